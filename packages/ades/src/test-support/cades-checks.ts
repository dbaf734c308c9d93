/**
 * Independent checks of CAdES B-LT/B-LTA files: the structure is read by `openssl asn1parse` (not by our
 * code; BER indefinite lengths included), each archive-time-stamp-v3's message imprint is recomputed from it as EN 319 122-1 §5.5.3 says and
 * verified with `openssl ts -verify -digest`, its ats-hash-index-v3 entries are matched against the file's
 * certificates, revocation values and unsigned attribute values, and every embedded CRL is verified with
 * `openssl crl -verify`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { opensslTsVerify, type RunResult, run } from '@itsme-sign/test-support/pdf-tools';

export interface AsnNode {
  offset: number;
  header: number;
  length: number;
  /** The first identifier octet. */
  tag: number;
  /** openssl's text after the type (e.g. `:0.4.0.1733.2.4` for an OBJECT). */
  text: string;
  children: AsnNode[];
  raw: Buffer;
}

/** The tree `openssl asn1parse` sees in `der`. */
export function asn1Tree(der: Buffer, file: string): AsnNode {
  writeFileSync(file, der);
  const r = run('openssl', ['asn1parse', '-inform', 'DER', '-in', file]);
  if (r.status !== 0) throw new Error(`openssl asn1parse: ${r.stderr}`);
  const stack: AsnNode[] = [];
  let root: AsnNode | undefined;
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\d+):d=\s*(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+|inf)\s+(?:cons|prim):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [offset, depth, header] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
    if (m[5]!.startsWith('EOC')) {
      // The end of an indefinite-length element (BER): its raw bytes run through these two octets.
      const open = stack[depth - 1]!;
      open.raw = der.subarray(open.offset, offset + 2);
      open.length = offset + 2 - open.offset - open.header;
      continue;
    }
    const length = m[4] === 'inf' ? 0 : Number(m[4]);
    const node: AsnNode = {
      offset,
      header,
      length,
      tag: der[offset]!,
      text: m[5]!,
      children: [],
      raw: der.subarray(offset, offset + header + length),
    };
    stack.length = depth;
    if (depth === 0) root ??= node;
    else stack[depth - 1]?.children.push(node);
    stack[depth] = node;
  }
  if (!root) throw new Error('openssl asn1parse printed nothing');
  return root;
}

const oidOf = (n: AsnNode) => n.text.replace(/^OBJECT\s*:/, '').trim();
const sha256 = (...b: Buffer[]) => createHash('sha256').update(Buffer.concat(b)).digest('hex');

export interface AtsCheck {
  /** `openssl ts -verify` of the token over the recomputed imprint. */
  verify: RunResult;
  imprint: string;
  /** Index entries found / not found among the file's items. */
  certificates: { listed: number; missing: number };
  crls: { listed: number; missing: number };
  attributeValues: { listed: number; missing: number };
}

/** Every archive-time-stamp-v3 of `p7sFile` (one signer) over `contentFile`, checked with openssl. */
export function checkArchiveTimestamps(
  p7sFile: string,
  contentFile: string,
  caFile: string,
  untrustedFile: string,
  scratch: string,
): AtsCheck[] {
  const der = readFileSync(p7sFile);
  const root = asn1Tree(der, `${scratch}.p7s`);
  const signedData = root.children[1]!.children[0]!;
  const fields = signedData.children;
  const encap = fields[2]!;
  const certs = fields.find((n) => n.tag === 0xa0)?.children ?? [];
  const crls = fields.find((n) => n.tag === 0xa1)?.children ?? [];
  const signer = fields.at(-1)!.children[0]!;
  const [version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature, unsigned] =
    signer.children;
  if (signedAttrs?.tag !== 0xa0 || unsigned?.tag !== 0xa1) throw new Error('unexpected SignerInfo layout');
  const contentHash = createHash('sha256').update(readFileSync(contentFile)).digest();
  const fixed = Buffer.concat(
    [encap.children[0]!, version!, sid!, digestAlgorithm!, signedAttrs, signatureAlgorithm!, signature!].map(
      (n) => n.raw,
    ),
  );
  const eContentType = encap.children[0]!.raw;
  const items = {
    certificates: new Set(certs.map((c) => sha256(c.raw))),
    crls: new Set(crls.map((c) => sha256(c.raw))),
    attributeValues: new Set(
      unsigned.children.flatMap((a) => a.children[1]!.children.map((v) => sha256(a.children[0]!.raw, v.raw))),
    ),
  };
  const out: AtsCheck[] = [];
  for (const [i, attr] of unsigned.children.entries()) {
    if (oidOf(attr.children[0]!) !== '0.4.0.1733.2.4') continue;
    const token = attr.children[1]!.children[0]!;
    const tokenFile = `${scratch}.ats-${i}.der`;
    writeFileSync(tokenFile, token.raw);
    const tokenSigner = token.children[1]!.children[0]!.children.at(-1)!.children[0]!;
    const tokenUnsigned = tokenSigner.children.find((n) => n.tag === 0xa1);
    const indexAttr = tokenUnsigned?.children.find((a) => oidOf(a.children[0]!) === '0.4.0.19122.1.5');
    if (!indexAttr) throw new Error('the archive timestamp has no ats-hash-index-v3');
    const index = indexAttr.children[1]!.children[0]!;
    const imprint = sha256(
      Buffer.concat([
        fixed.subarray(0, eContentType.length),
        contentHash,
        fixed.subarray(eContentType.length),
      ]),
      index.raw,
    );
    const verify = opensslTsVerify(tokenFile, { digest: imprint }, caFile, untrustedFile);
    const [, certIndex, crlIndex, attrIndex] = index.children;
    const count = (list: AsnNode | undefined, set: Set<string>) => {
      const hashes = (list?.children ?? []).map((o) => o.raw.subarray(o.header).toString('hex'));
      return { listed: hashes.length, missing: hashes.filter((h) => !set.has(h)).length };
    };
    out.push({
      verify,
      imprint,
      certificates: count(certIndex, items.certificates),
      crls: count(crlIndex, items.crls),
      attributeValues: count(attrIndex, items.attributeValues),
    });
  }
  return out;
}

/** The DER CRLs in a CAdES SignedData's `crls` (not the other revocation info). */
export function cadesCrls(p7sFile: string, scratch: string): Buffer[] {
  const root = asn1Tree(readFileSync(p7sFile), `${scratch}.crls.p7s`);
  const crls = root.children[1]!.children[0]!.children.find((n) => n.tag === 0xa1)?.children ?? [];
  return crls.filter((c) => c.tag === 0x30).map((c) => c.raw);
}

/** `openssl crl -verify` of a DER CRL against its issuer's certificate file. */
export function opensslCrlVerify(crl: Uint8Array, issuerFile: string, file: string): RunResult {
  writeFileSync(file, crl);
  return run('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-verify', '-CAfile', issuerFile]);
}
