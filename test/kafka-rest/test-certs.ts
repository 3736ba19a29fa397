// A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, for TLS/mTLS tests.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

function keyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  // Node generates RSA keys much faster than forge's pure-JS generator.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey);
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
  return {
    pub,
    priv,
    pem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(priv))),
  };
}

function cert(
  cn: string,
  pub: forge.pki.PublicKey,
  signer: forge.pki.rsa.PrivateKey,
  issuer: forge.pki.CertificateField[],
  ext: object[],
  serial: string,
): forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = pub;
  c.serialNumber = serial;
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 86_400_000);
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer(issuer);
  c.setExtensions(ext);
  c.sign(signer, forge.md.sha256.create());
  return c;
}

export interface TestPki {
  caPem: string;
  server: { certPem: string; keyPem: string };
  client: { certPem: string; keyPem: string };
}

export function makeTestPki(): TestPki {
  const ca = keyPair();
  const caAttrs = [{ name: 'commonName', value: 'test-ca' }];
  const caCert = cert(
    'test-ca',
    ca.pub,
    ca.priv,
    caAttrs,
    [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ],
    '01',
  );
  const srv = keyPair();
  const srvCert = cert(
    '127.0.0.1',
    srv.pub,
    ca.priv,
    caAttrs,
    [
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      { name: 'extKeyUsage', serverAuth: true },
    ],
    '02',
  );
  const cli = keyPair();
  const cliCert = cert('client', cli.pub, ca.priv, caAttrs, [{ name: 'extKeyUsage', clientAuth: true }], '03');
  return {
    caPem: forge.pki.certificateToPem(caCert),
    server: { certPem: forge.pki.certificateToPem(srvCert), keyPem: srv.pem },
    client: { certPem: forge.pki.certificateToPem(cliCert), keyPem: cli.pem },
  };
}
