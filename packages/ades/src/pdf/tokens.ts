/**
 * Finding `N G obj` headers and `N G R` references in raw bytes without parsing them (whole-file scans):
 * the keyword is located with `indexOf`, the numbers are read backwards from it.
 */
import { DELIMITER, WHITESPACE } from './objects.js';

const isSpace = (c: number | undefined) => c !== undefined && WHITESPACE[c] === 1;
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
/** Regular characters (not whitespace, not a delimiter) continue a token. */
const isRegular = (c: number | undefined) => c !== undefined && !WHITESPACE[c] && !DELIMITER[c];

export interface NumberPair {
  num: number;
  gen: number;
  /** Index of the first digit of `num` in the buffer. */
  start: number;
}

/** `N G` right before index `end` (where the keyword starts), or undefined. */
function numbersBefore(b: Uint8Array, end: number): NumberPair | undefined {
  let i = end - 1;
  if (!isSpace(b[i])) return undefined;
  while (isSpace(b[i])) i--;
  const genEnd = i + 1;
  while (isDigit(b[i])) i--;
  if (genEnd - (i + 1) < 1 || genEnd - (i + 1) > 5 || !isSpace(b[i])) return undefined;
  const gen = Number(Buffer.from(b.subarray(i + 1, genEnd)).toString('latin1'));
  while (isSpace(b[i])) i--;
  const numEnd = i + 1;
  while (isDigit(b[i])) i--;
  // Whatever precedes the number (even a comment such as `%%EOF5 0 obj`): repairing readers take it.
  const len = numEnd - (i + 1);
  if (len < 1 || len > 10) return undefined;
  return { num: Number(Buffer.from(b.subarray(i + 1, numEnd)).toString('latin1')), gen, start: i + 1 };
}

/** Calls `found` for every `N G R` in `b` (a keyword cut by the end of `b` is left to the caller). */
export function eachReference(b: Uint8Array, found: (pair: NumberPair) => void): void {
  for (let at = b.indexOf(0x52 /* R */); at !== -1; at = b.indexOf(0x52, at + 1)) {
    // `N G R` has whitespace right before the R: most stray Rs of binary data end here.
    if (!isSpace(b[at - 1]) || (at + 1 < b.length && isRegular(b[at + 1]))) continue;
    const n = numbersBefore(b, at);
    if (n) found(n);
  }
}

/** Calls `found` for every `N G obj` in `b`, with the index just after `obj`. */
export function eachHeader(b: Uint8Array, found: (pair: NumberPair, after: number) => void): void {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  for (let at = buf.indexOf('obj'); at !== -1; at = buf.indexOf('obj', at + 3)) {
    if (at + 3 < b.length && isRegular(b[at + 3])) continue;
    const n = numbersBefore(b, at);
    if (n) found(n, at + 3);
  }
}

/** Whether the text after `obj` starts an object stream: `/Type /ObjStm` in its own dictionary. */
export function startsObjectStream(head: string): boolean {
  const dictEnd = /stream|endobj/.exec(head)?.index ?? head.length;
  return /\/Type\s*\/ObjStm\b/.test(head.slice(0, dictEnd));
}
