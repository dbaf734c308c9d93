/** The signer's certificate chain: parsing, validity at signing time and path to a trust anchor. */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { splitPemCertificates } from '@itsme-sign/core';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';
import { fail } from './errors.js';

/** A parsed certificate. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: x509.X509Certificate;
  readonly pkijs: pkijs.Certificate;
}

/** Bounded caches: a server sees the same CA certificates (and each signer's) again and again. */
const CACHE_ENTRIES = 512;

/** A map that forgets its oldest entry past `CACHE_ENTRIES`. */
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

function parseDer(bytes: Uint8Array): ParsedCertificate {
  const der = Uint8Array.from(bytes);
  try {
    return { der, x509: new x509.X509Certificate(der), pkijs: pkijs.Certificate.fromBER(der) };
  } catch (cause) {
    return fail('CERTIFICATE_INVALID', 'A certificate could not be parsed.', { cause });
  }
}

/** A parse kept in the cache, with the validity read when it was parsed (numbers: nobody can move them). */
interface Shared {
  cert: ParsedCertificate;
  from: number;
  to: number;
}

const shared = new Map<string, Shared>();

function sharedDer(bytes: Uint8Array): Shared {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const hit = shared.get(key);
  if (hit) return hit;
  const cert = parseDer(bytes);
  return remember(shared, key, {
    cert,
    from: cert.x509.notBefore.getTime(),
    to: cert.x509.notAfter.getTime(),
  });
}

/** A certificate or trust anchor: PEM (one or several certificates), or DER bytes. */
export type CertificateInput = string | Uint8Array;

function toDerList(input: CertificateInput): Uint8Array[] {
  if (typeof input !== 'string') return [input];
  const pems = splitPemCertificates(input);
  if (pems.length === 0) fail('CERTIFICATE_INVALID', 'A certificate is not PEM encoded.');
  return pems.map((p) => new Uint8Array(Buffer.from(p.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
}

/** Parses certificates (each input may hold several PEM blocks), keeping the order: fresh objects, yours. */
export function parseCertificates(inputs: readonly CertificateInput[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const input of inputs) for (const bytes of toDerList(input)) out.push(parseDer(bytes));
  return out;
}

/**
 * The same from a bounded cache by DER, parsed once: shared objects, for this package's own reading only
 * (never modified, never handed to callers).
 */
export function sharedCertificates(inputs: readonly CertificateInput[]): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const input of inputs) for (const bytes of toDerList(input)) out.push(sharedDer(bytes).cert);
  return out;
}

/** Parses the signer's chain (shared parses), leaf first; at least the leaf is required. */
export function parseChain(chain: readonly CertificateInput[]): ParsedCertificate[] {
  const certs = sharedCertificates(chain);
  if (certs.length === 0)
    fail('CERTIFICATE_INVALID', 'The certificate chain is empty.', { field: 'certificateChain' });
  return certs;
}

const publicKeys = new WeakMap<ParsedCertificate, KeyObject>();

/** The certificate's public key (imported once per parsed certificate). */
export function publicKeyOf(cert: ParsedCertificate): KeyObject {
  let key = publicKeys.get(cert);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(cert.x509.publicKey.rawData), format: 'der', type: 'spki' });
    publicKeys.set(cert, key);
  }
  return key;
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
  given: readonly ParsedCertificate[],
  trustAnchors: readonly CertificateInput[],
  at: Date,
): Promise<void> {
  // Checked on this package's own parse of the bytes: what a caller did to its objects does not count, and
  // what is verified is what the cache below is keyed by.
  const chain = given.map((c) => sharedDer(c.der).cert);
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
  const anchors = sharedCertificates(trustAnchors);
  if (anchors.length === 0)
    fail('CERTIFICATE_UNTRUSTED', 'No trust anchor is configured.', { field: 'trustAnchors' });
  // A path once verified stays verified (certificate signatures do not depend on the time) for any time
  // inside every certificate's validity; elsewhere it is verified again (and fails with the engine's reason).
  const key = `${listKey(chain)}#${listKey(anchors)}`;
  const window = verifiedPaths.get(key);
  if (window && at.getTime() >= window.from && at.getTime() <= window.to) return;
  await verifyPath(chain, anchors, at);
  const validity = [...chain, ...anchors].map((c) => sharedDer(c.der));
  remember(verifiedPaths, key, {
    from: Math.max(...validity.map((v) => v.from)),
    to: Math.min(...validity.map((v) => v.to)),
  });
}

/** A digest of an ordered list of certificates (each DER with its length: no two lists share one). */
function listKey(certs: readonly ParsedCertificate[]): string {
  const hash = createHash('sha256');
  for (const c of certs) hash.update(`${c.der.length}:`).update(c.der);
  return hash.digest('base64');
}

/** Chains verified against their anchors, with the times at which every certificate of both is valid. */
const verifiedPaths = new Map<string, { from: number; to: number }>();

async function verifyPath(
  chain: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  at: Date,
): Promise<void> {
  const leaf = chain[0]!;
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
