/**
 * The PDF object model (ISO 32000-2 §7.3) as this package reads and writes it, a bounded parser of one
 * object from a window of bytes, and the serialiser of the objects the incremental update rewrites.
 * Numbers keep their written text and strings their bytes, so a dictionary written back says what it said.
 */
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';

export class PdfName {
  private static readonly names = new Map<string, PdfName>();
  private constructor(readonly name: string) {}
  /** Interned: `PdfName.of('Type') === PdfName.of('Type')`. `name` is the decoded name (latin1). */
  static of(name: string): PdfName {
    let n = PdfName.names.get(name);
    if (!n) {
      n = new PdfName(name);
      if (PdfName.names.size < 10_000) PdfName.names.set(name, n);
    }
    return n;
  }
}
export class PdfNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
  static of(value: number): PdfNumber {
    return new PdfNumber(value, String(value));
  }
}
export class PdfString {
  constructor(readonly bytes: Buffer) {}
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}
export class PdfDict {
  constructor(readonly entries: Map<string, PdfObject> = new Map()) {}
  get(key: string): PdfObject | undefined {
    return this.entries.get(key);
  }
  /** A shallow copy (entries are immutable values or replaced, never edited in place). */
  with(key: string, value: PdfObject): PdfDict {
    return new PdfDict(new Map(this.entries).set(key, value));
  }
}
/** A stream: its dictionary and where its data starts in the file (the data is read only on demand). */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly dataOffset: number,
  ) {}
}
export type PdfObject =
  | null
  | boolean
  | PdfNumber
  | PdfName
  | PdfString
  | PdfRef
  | PdfObject[]
  | PdfDict
  | PdfStream;

/** The parser ran past the end of its window: the caller reads more bytes and tries again. */
export class NeedMoreBytes extends Error {}

const DAMAGED = 'The PDF is damaged: an object could not be read; repair it first (e.g. with qpdf).';
export const damaged = (detail?: string): never =>
  fail('INVALID_REQUEST', detail ? `${DAMAGED} (${detail})` : DAMAGED, { field: 'document' });

/** Byte classes (1 = member), also used by the whole-file scans (./tokens.ts). */
export const WHITESPACE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITESPACE[c] = 1;
export const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;
const isRegular = (c: number) => !WHITESPACE[c] && !DELIMITER[c];

/**
 * A cursor over `bytes` (the file's bytes from `base` on). `complete` says the window reaches the end of the
 * file: running out of bytes is then damage, otherwise `NeedMoreBytes`.
 */
export class PdfParser {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly base = 0,
    readonly complete = true,
  ) {}

  private end(): never {
    if (this.complete) return damaged('unexpected end of data');
    throw new NeedMoreBytes();
  }

  private peek(): number {
    if (this.pos >= this.bytes.length) this.end();
    return this.bytes[this.pos]!;
  }

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WHITESPACE[c]) this.pos++;
      else if (c === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** The next run of regular characters (a number or a keyword), not consumed. */
  private word(at = this.pos): string {
    let e = at;
    while (e < this.bytes.length && isRegular(this.bytes[e]!)) e++;
    if (e === this.bytes.length && !this.complete) throw new NeedMoreBytes();
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + at, e - at).toString('latin1');
  }

  /** Reads `keyword` (after optional whitespace) or returns false without consuming anything. */
  keyword(keyword: string): boolean {
    const save = this.pos;
    this.skipSpace();
    if (this.pos >= this.bytes.length && !this.complete) throw new NeedMoreBytes();
    if (this.pos < this.bytes.length && this.word() === keyword) {
      this.pos += keyword.length;
      return true;
    }
    this.pos = save;
    return false;
  }

  /** An unsigned integer or undefined (nothing consumed then). */
  integer(): number | undefined {
    const save = this.pos;
    this.skipSpace();
    if (this.pos >= this.bytes.length) {
      if (!this.complete) throw new NeedMoreBytes();
      this.pos = save;
      return undefined;
    }
    const w = this.word();
    if (/^\d{1,15}$/.test(w)) {
      this.pos += w.length;
      return Number(w);
    }
    this.pos = save;
    return undefined;
  }

  /** One object; `N G R` becomes a reference. */
  object(depth = 0): PdfObject {
    if (depth > PDF_LIMITS.maxNesting)
      fail('INVALID_REQUEST', `The PDF nests arrays or dictionaries deeper than ${PDF_LIMITS.maxNesting}.`, {
        field: 'document',
      });
    this.skipSpace();
    const c = this.peek();
    if (c === 0x2f /* / */) return this.name();
    if (c === 0x28 /* ( */) return this.literalString();
    if (c === 0x3c /* < */) {
      if (this.bytes[this.pos + 1] === undefined) this.end();
      if (this.bytes[this.pos + 1] === 0x3c) return this.dict(depth);
      return this.hexString();
    }
    if (c === 0x5b /* [ */) {
      this.pos++;
      const items: PdfObject[] = [];
      for (;;) {
        this.skipSpace();
        if (this.peek() === 0x5d /* ] */) {
          this.pos++;
          return items;
        }
        items.push(this.object(depth + 1));
      }
    }
    const w = this.word();
    if (w === '') return damaged(`unexpected character at ${this.base + this.pos}`);
    this.pos += w.length;
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) return damaged(`unexpected keyword at ${this.base + this.pos}`);
    if (/^\d+$/.test(w)) {
      // Maybe the start of `N G R`.
      const save = this.pos;
      const gen = this.integer();
      if (gen !== undefined && this.keyword('R')) return new PdfRef(Number(w), gen);
      this.pos = save;
    }
    return new PdfNumber(Number(w), w);
  }

  private name(): PdfName {
    this.pos++;
    const w = this.word();
    this.pos += w.length;
    return PdfName.of(
      w.includes('#') ? w.replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))) : w,
    );
  }

  private dict(depth: number): PdfDict | PdfStream {
    this.pos += 2;
    const entries = new Map<string, PdfObject>();
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === 0x3e /* > */) {
        if (this.bytes[this.pos + 1] === undefined) this.end();
        if (this.bytes[this.pos + 1] !== 0x3e) return damaged('bad dictionary end');
        this.pos += 2;
        return new PdfDict(entries);
      }
      if (c !== 0x2f) return damaged(`dictionary key expected at ${this.base + this.pos}`);
      const key = this.name().name;
      entries.set(key, this.object(depth + 1));
    }
  }

  private literalString(): PdfString {
    const b = this.bytes;
    const out: number[] = [];
    let level = 0;
    this.pos++;
    for (;;) {
      const c = this.peek();
      this.pos++;
      if (c === 0x5c /* \ */) {
        const e = this.peek();
        this.pos++;
        const simple: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12 };
        if (simple[e] !== undefined) out.push(simple[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && (b[this.pos] ?? 0) >= 0x30 && (b[this.pos] ?? 0) <= 0x37; i++)
            v = v * 8 + (b[this.pos++]! - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
      } else if (c === 0x28) {
        level++;
        out.push(c);
      } else if (c === 0x29) {
        if (level === 0) return new PdfString(Buffer.from(out));
        level--;
        out.push(c);
      } else out.push(c);
    }
  }

  private hexString(): PdfString {
    this.pos++;
    let hex = '';
    for (;;) {
      const c = this.peek();
      this.pos++;
      if (c === 0x3e) break;
      if (WHITESPACE[c]) continue;
      if (!/[0-9a-fA-F]/.test(String.fromCharCode(c))) return damaged('bad hex string');
      hex += String.fromCharCode(c);
    }
    if (hex.length % 2) hex += '0';
    return new PdfString(Buffer.from(hex, 'hex'));
  }

  /**
   * An indirect object `N G obj … [stream]` at the cursor. For a stream, the data offset is the byte after
   * the end-of-line that follows `stream`.
   */
  indirect(): { num: number; gen: number; object: PdfObject } {
    const num = this.integer();
    const gen = this.integer();
    if (num === undefined || gen === undefined || !this.keyword('obj'))
      return damaged('object header expected');
    const object = this.object();
    if (object instanceof PdfDict && this.keyword('stream')) {
      if (this.bytes[this.pos] === 0x0d) this.pos++;
      if (this.bytes[this.pos] === 0x0a) this.pos++;
      return { num, gen, object: new PdfStream(object, this.base + this.pos) };
    }
    return { num, gen, object };
  }
}

// ---------------------------------------------------------------------------------------------- writing

function writeName(name: string): string {
  let out = '/';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    out +=
      c > 0x20 && c < 0x7f && c !== 0x23 && isRegular(c) ? name[i] : `#${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** PDF syntax of `object` (streams cannot be written: the update never rewrites one). */
export function serialize(object: PdfObject): string {
  if (object === null) return 'null';
  if (typeof object === 'boolean') return String(object);
  if (object instanceof PdfNumber) return object.text;
  if (object instanceof PdfName) return writeName(object.name);
  if (object instanceof PdfString) return `<${object.bytes.toString('hex')}>`;
  if (object instanceof PdfRef) return object.toString();
  if (Array.isArray(object)) return `[${object.map(serialize).join(' ')}]`;
  if (object instanceof PdfDict) {
    let out = '<<';
    for (const [k, v] of object.entries) out += `${writeName(k)} ${serialize(v)}`;
    return `${out}>>`;
  }
  return fail('INTERNAL_ERROR', 'A stream cannot be rewritten.');
}

// --------------------------------------------------------------------------------------------- reading

/** The value as a PDF name string, or undefined. */
export const nameOf = (o: PdfObject | undefined): string | undefined =>
  o instanceof PdfName ? o.name : undefined;
/** The value as a safe integer, or undefined. */
export function intOf(o: PdfObject | undefined): number | undefined {
  return o instanceof PdfNumber && Number.isSafeInteger(o.value) ? o.value : undefined;
}
