// Checks on a CA that is about to sign a serving certificate (`certs generate --ca-cert-file`, docs/cli.md#certs):
// the key belongs to the certificate, the certificate is a CA allowed to sign certificates, and it outlives the
// certificate it signs. Each problem is a sentence that says how to fix it.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { allowsKeyCertSign } from './x509-build.js';

export interface SigningCaInput {
  certPem: string;
  keyPem: string;
  /** notAfter of the certificate to be signed. */
  leafNotAfter: Date;
}

/** Every problem with the CA ([] when it may sign). */
export function signingCaProblems(input: SigningCaInput): string[] {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(input.certPem);
  } catch {
    return ['the CA certificate does not parse: give a PEM certificate'];
  }
  const problems: string[] = [];
  try {
    if (!cert.checkPrivateKey(createPrivateKey(input.keyPem)))
      problems.push('the CA key does not match the CA certificate: give the key the CA was made with');
  } catch {
    problems.push('the CA key does not parse: give a PEM private key');
  }
  if (!cert.ca)
    problems.push('the CA certificate is not a CA (basicConstraints CA:TRUE is missing): give a CA certificate');
  if (!keyCertSign(input.certPem))
    problems.push('the CA certificate may not sign certificates (keyUsage lacks keyCertSign): give a signing CA');
  const caNotAfter = new Date(cert.validTo);
  if (caNotAfter.getTime() < input.leafNotAfter.getTime())
    problems.push(
      `the CA expires on ${caNotAfter.toISOString()}, before the new certificate (${input.leafNotAfter.toISOString()}): shorten --days or renew the CA`,
    );
  return problems;
}

/** keyUsage allows keyCertSign; a CA without the extension may sign (RFC 5280 4.2.1.3). RSA and ECDSA alike. */
function keyCertSign(certPem: string): boolean {
  try {
    return allowsKeyCertSign(certPem) ?? true;
  } catch {
    // node:crypto parsed it (checked before); an extension forge cannot read: judge by basicConstraints alone
    return true;
  }
}
