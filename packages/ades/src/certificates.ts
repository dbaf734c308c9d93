/** The signer's certificate chain: parsing, validity at signing time and path to a trust anchor. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { splitPemCertificates } from '@itsme-sign/core';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';
import { fail } from './errors.js';

export interface ParsedCertificate {
  der: Uint8Array;
  x509: x509.X509Certificate;
  pkijs: pkijs.Certificate;
}

/** A certificate or trust anchor: PEM (one or several certificates), or DER bytes. */
export type CertificateInput = string | Uint8Array;

function toDerList(input: CertificateInput): Uint8Array[] {
  if (typeof input !== 'string') return [input];
  const pems = splitPemCertificates(input);
  if (pems.length === 0) fail('CERTIFICATE_INVALID', 'A certificate is not PEM encoded.');
  return pems.map((p) => new Uint8Array(Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
}

/** Parses certificates (each input may hold several PEM blocks), keeping the order. */
export function parseCertificates(inputs: readonly CertificateInput[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const input of inputs) {
    for (const bytes of toDerList(input)) {
      const der = Uint8Array.from(bytes);
      try {
        out.push({ der, x509: new x509.X509Certificate(der), pkijs: pkijs.Certificate.fromBER(der) });
      } catch (cause) {
        fail('CERTIFICATE_INVALID', 'A certificate could not be parsed.', { cause });
      }
    }
  }
  return out;
}

/** Parses the signer's chain, leaf first; at least the leaf is required. */
export function parseChain(chain: readonly CertificateInput[]): ParsedCertificate[] {
  const certs = parseCertificates(chain);
  if (certs.length === 0)
    fail('CERTIFICATE_INVALID', 'The certificate chain is empty.', { field: 'certificateChain' });
  return certs;
}

export function publicKeyOf(cert: ParsedCertificate): KeyObject {
  return createPublicKey({ key: Buffer.from(cert.x509.publicKey.rawData), format: 'der', type: 'spki' });
}

/** `rsa` or `ec`: the signature algorithms this package can embed. */
export function keyTypeOf(cert: ParsedCertificate): 'rsa' | 'ec' {
  const type = publicKeyOf(cert).asymmetricKeyType;
  if (type === 'rsa' || type === 'ec') return type;
  return fail('CERTIFICATE_INVALID', `Unsupported signer key type: ${type ?? 'unknown'}.`);
}

const KEY_USAGE_SIGN = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

/**
 * Checks the leaf (validity at `at`, key usage allows signing) and that the chain leads to one of
 * `trustAnchors`, every certificate valid at `at`. Revocation is not checked (that is B-LT's job).
 */
export async function checkChain(
  chain: readonly ParsedCertificate[],
  trustAnchors: readonly CertificateInput[],
  at: Date,
): Promise<void> {
  const leaf = chain[0];
  if (!leaf) return fail('CERTIFICATE_INVALID', 'The certificate chain is empty.');
  if (at < leaf.x509.notBefore)
    fail('CERTIFICATE_INVALID', 'The signing certificate is not yet valid at signing time.');
  if (at > leaf.x509.notAfter)
    fail('CERTIFICATE_INVALID', 'The signing certificate has expired at signing time.');
  const ku = leaf.x509.getExtension(x509.KeyUsagesExtension);
  if (ku && (ku.usages & KEY_USAGE_SIGN) === 0) {
    fail('CERTIFICATE_INVALID', 'The signing certificate is not meant for signatures (key usage).');
  }
  const anchors = parseCertificates(trustAnchors);
  if (anchors.length === 0)
    fail('CERTIFICATE_UNTRUSTED', 'No trust anchor is configured.', { field: 'trustAnchors' });
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors.map((a) => a.pkijs),
    // pkijs treats the last certificate as the end entity.
    certs: [...chain.slice(1)]
      .reverse()
      .map((c) => c.pkijs)
      .concat(leaf.pkijs),
    checkDate: at,
  });
  let result: pkijs.CertificateChainValidationEngineVerifyResult;
  try {
    result = await engine.verify();
  } catch (cause) {
    return fail('CERTIFICATE_UNTRUSTED', 'The signing certificate does not chain to a trusted CA.', {
      cause,
    });
  }
  if (!result.result) {
    fail(
      'CERTIFICATE_UNTRUSTED',
      `The signing certificate does not chain to a trusted CA (${result.resultMessage}).`,
    );
  }
}
