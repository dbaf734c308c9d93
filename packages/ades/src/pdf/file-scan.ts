/**
 * The one pass over the whole file, fed chunk by chunk as the bytes arrive: it hashes them (the signed byte
 * range starts with the original file) and notes what the cross-reference chain does not say — the highest
 * object number the file's own `N G obj` headers and `N G R` references use (a new object numbered at or
 * below it could be resolved by a viewer in place of what the signer saw: a repairing viewer, or a dangling
 * reference that would start to resolve), where object streams start (their contents are looked into
 * afterwards), and where every `N G obj` header is (for the shadowed-object check).
 */
import { createHash, type Hash } from 'node:crypto';
import { PDF_LIMITS } from './limits.js';
import { eachHeader, eachReference, startsObjectStream } from './tokens.js';

/** Enough to hold a token (`8388607 65535 obj`) cut by a chunk boundary. */
const OVERLAP = 64;

export interface FileScan {
  readonly hash: Hash;
  readonly size: number;
  /** Highest object number used by a header or a reference (numbers past the limit are ignored). */
  readonly maxNumber: number;
  /** Offsets of `N G obj` headers of object streams. */
  readonly objectStreams: Set<number>;
  /** Headers whose dictionary ran past their chunk: to look at with random access. */
  readonly cutHeaders: number[];
  /**
   * Every `N G obj` header (number → offsets), or undefined when the file has more than
   * `MAX_RECORDED_HEADERS` (then they are looked for again, by `eachHeaderIn`).
   */
  readonly headers: { nums: Uint32Array; offsets: Float64Array } | undefined;
}

/** Headers recorded in the pass (12 bytes each); a file with more is read once more instead. */
const MAX_RECORDED_HEADERS = 1 << 20;

export class FileScanner {
  private readonly hash = createHash('sha256');
  private size = 0;
  private maxNumber = -1;
  private readonly objectStreams = new Set<number>();
  private readonly cutHeaders: number[] = [];
  private nums = new Uint32Array(1024);
  private offsets = new Float64Array(1024);
  private count = 0;
  private overflow = false;
  /** The last bytes of the previous chunk (tokens across the boundary). */
  private tail: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): void {
    this.hash.update(chunk);
    const base = this.size;
    this.size += chunk.length;
    // The joint (tail + start of this chunk) catches tokens cut by the boundary; the chunk, the rest.
    if (this.tail.length > 0)
      this.scan(Buffer.concat([this.tail, chunk.subarray(0, OVERLAP)]), base - this.tail.length);
    this.scan(chunk, base);
    this.tail =
      chunk.length >= OVERLAP
        ? Buffer.from(chunk.subarray(chunk.length - OVERLAP))
        : Buffer.concat([this.tail, chunk]).subarray(-OVERLAP);
  }

  private note(num: number): void {
    if (num <= PDF_LIMITS.maxObjectNumber && num > this.maxNumber) this.maxNumber = num;
  }

  private scan(b: Uint8Array, base: number): void {
    eachReference(b, (n) => this.note(n.num));
    eachHeader(b, (n, after) => {
      this.note(n.num);
      const offset = base + n.start;
      this.record(n.num, offset);
      if (after + 512 > b.length) this.cutHeaders.push(offset);
      else if (startsObjectStream(Buffer.from(b.buffer, b.byteOffset + after, 512).toString('latin1')))
        this.objectStreams.add(offset);
    });
  }

  private record(num: number, offset: number): void {
    if (this.overflow || num > PDF_LIMITS.maxObjectNumber) return;
    // The joint and the chunk both see a header near a boundary: keep one.
    if (this.count > 0 && this.offsets[this.count - 1]! >= offset) return;
    if (this.count === MAX_RECORDED_HEADERS) {
      this.overflow = true;
      return;
    }
    if (this.count === this.nums.length) {
      const nums = new Uint32Array(this.count * 2);
      nums.set(this.nums);
      this.nums = nums;
      const offsets = new Float64Array(this.count * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.nums[this.count] = num;
    this.offsets[this.count++] = offset;
  }

  finish(): FileScan {
    return {
      hash: this.hash,
      size: this.size,
      maxNumber: this.maxNumber,
      objectStreams: this.objectStreams,
      cutHeaders: [...new Set(this.cutHeaders)],
      headers: this.overflow
        ? undefined
        : { nums: this.nums.subarray(0, this.count), offsets: this.offsets.subarray(0, this.count) },
    };
  }
}
