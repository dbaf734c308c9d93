/**
 * A minimal reader and writer of DER/BER TLVs that keeps every untouched element byte for byte: what CAdES
 * augmentation needs (the signed fields, the certificates and revocation values already there must not change
 * by one bit, whoever encoded them).
 */
import { fail } from './errors.js';

export interface Tlv {
  tag: number;
  /** The whole element: tag, length, value (and end-of-contents octets when indefinite). */
  raw: Uint8Array;
  /** The value octets (without end-of-contents octets). */
  value: Uint8Array;
  constructed: boolean;
}

const malformed = (): never =>
  fail('INVALID_REQUEST', 'The signature is not a well-formed DER/BER structure.');

/** Reads the element at `at` of `buf`. */
export function readTlv(buf: Uint8Array, at = 0, depth = 0): Tlv {
  if (depth > 64 || at + 2 > buf.length) malformed();
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) malformed(); // high tag numbers: not used by CMS
  let p = at + 1;
  const first = buf[p++]!;
  const constructed = (tag & 0x20) !== 0;
  if (first === 0x80) {
    // Indefinite length (BER): children until the end-of-contents octets.
    if (!constructed) malformed();
    const start = p;
    while (!(buf[p] === 0 && buf[p + 1] === 0)) {
      if (p >= buf.length) malformed();
      p += readTlv(buf, p, depth + 1).raw.length;
    }
    return { tag, raw: buf.subarray(at, p + 2), value: buf.subarray(start, p), constructed };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4) malformed();
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  if (p + length > buf.length) malformed();
  return { tag, raw: buf.subarray(at, p + length), value: buf.subarray(p, p + length), constructed };
}

/** The children of a constructed element. */
export function childrenOf(t: Tlv): Tlv[] {
  if (!t.constructed) malformed();
  const out: Tlv[] = [];
  for (let p = 0; p < t.value.length; ) {
    const c = readTlv(t.value, p);
    out.push(c);
    p += c.raw.length;
  }
  return out;
}

/** Encodes `tag` with a definite length around `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const lengthBytes: number[] = [];
  if (length < 0x80) lengthBytes.push(length);
  else {
    for (let l = length; l > 0; l = Math.floor(l / 256)) lengthBytes.unshift(l % 256);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  return Buffer.concat([Uint8Array.of(tag, ...lengthBytes), ...parts]);
}

/** DER `SET OF`: the elements sorted by their encodings (X.690 §11.6). */
export function derSetOf(tag: number, elements: Uint8Array[]): Uint8Array {
  return tlv(tag, ...[...elements].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

/** The DER encoding of an OBJECT IDENTIFIER. */
export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [a! * 40 + b!, ...rest]) {
    const group = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift(0x80 | (v & 0x7f));
    bytes.push(...group);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/** The dotted form of a DER OBJECT IDENTIFIER element. */
export function oidString(t: Tlv): string {
  if (t.tag !== 0x06) malformed();
  const arcs: number[] = [];
  let v = 0;
  for (const byte of t.value) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  return [
    Math.min(2, Math.floor(first / 40)),
    first - 40 * Math.min(2, Math.floor(first / 40)),
    ...arcs,
  ].join('.');
}

export const equalBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
