// Certificate serials: positive and minimal DER whatever the random bytes (a leading zero byte made about one
// generated certificate in 256 unparseable).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import forge from 'node-forge';
import { serialNumber } from '../../src/tls/generate.js';

const fixed = (first: number) => (size: number) => Buffer.concat([Buffer.from([first]), Buffer.alloc(size - 1, 0x11)]);

describe('serialNumber', () => {
  for (const first of [0x00, 0x01, 0x3f, 0x7f, 0x80, 0xff]) {
    test(`first random byte 0x${first.toString(16).padStart(2, '0')}: positive, no leading zero byte`, () => {
      const serial = serialNumber(fixed(first));
      assert.equal(serial.length, 32);
      const lead = parseInt(serial.slice(0, 2), 16);
      assert.ok(lead >= 0x40 && lead < 0x80, `first byte 0x${serial.slice(0, 2)}`);
    });
  }

  test('a certificate with the serial of a zero first byte parses', () => {
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serialNumber(fixed(0x00));
    cert.validity.notBefore = new Date();
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'serial-test' }]);
    cert.setIssuer([{ name: 'commonName', value: 'serial-test' }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const parsed = forge.pki.certificateFromPem(forge.pki.certificateToPem(cert));
    assert.equal(parsed.serialNumber, cert.serialNumber);
  });
});
