/** SHA-256 helpers: the service signs a SHA-256 digest given as standard padded base64. */
import { createHash } from 'node:crypto';
import { ItsmeSignError } from './errors.js';
import { LIMITS } from './wire/constants.js';

export type DigestInput = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/** SHA-256 of bytes, a string (UTF-8) or a stream (constant memory), as standard base64. */
export async function sha256Base64(input: DigestInput): Promise<string> {
  const hash = createHash('sha256');
  if (typeof input === 'string' || input instanceof Uint8Array) {
    hash.update(input);
  } else {
    for await (const chunk of input) hash.update(chunk);
  }
  return hash.digest('base64');
}

/**
 * Normalises a SHA-256 digest given as hex, base64 or base64url (padded or not) to standard padded base64.
 * Throws `INVALID_DIGEST` unless it is exactly 32 bytes.
 */
export function normalizeDigest(digest: string): string {
  const v = digest.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(v)) bytes = Buffer.from(v, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(v)) bytes = Buffer.from(v, 'base64');
  else if (/^[A-Za-z0-9_-]{43}=?$/.test(v)) bytes = Buffer.from(v, 'base64url');
  if (!bytes || bytes.length !== LIMITS.digestBytes) {
    throw new ItsmeSignError('INVALID_DIGEST', {
      message: 'The digest must be a SHA-256 digest (32 bytes) in hex, base64 or base64url.',
      field: 'digest',
    });
  }
  return bytes.toString('base64');
}
