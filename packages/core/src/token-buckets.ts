/** Token buckets in this process, one per key (least recently used keys dropped beyond `maxKeys`). */

/** At most `max` at once, refilled evenly over `windowMs`. */
export interface BucketLimit {
  max: number;
  windowMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    readonly limit: BucketLimit,
    readonly maxKeys: number,
  ) {
    this.#perMs = limit.max / limit.windowMs;
  }

  /** Refilled bucket of `key` (not stored). */
  peek(key: string, now: number): Bucket {
    const b = this.#buckets.get(key);
    if (!b) return { tokens: this.limit.max, at: now };
    return { tokens: Math.min(this.limit.max, b.tokens + (now - b.at) * this.#perMs), at: now };
  }

  /** Ms until `bucket` holds one token. */
  wait(bucket: Bucket): number {
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.#perMs);
  }

  take(key: string, bucket: Bucket): void {
    this.#buckets.delete(key); // re-inserted last: the map's order is least recently used first
    this.#buckets.set(key, { tokens: bucket.tokens - 1, at: bucket.at });
    for (const k of this.#buckets.keys()) {
      if (this.#buckets.size <= this.maxKeys) break;
      this.#buckets.delete(k);
    }
  }
}

/** One bucket: `take()` is true when a token was taken (at most `max` at once, `max` per `windowMs`). */
export class TokenBucket {
  readonly #buckets: TokenBuckets;
  readonly #now: () => number;

  constructor(limit: BucketLimit, now: () => number = Date.now) {
    this.#buckets = new TokenBuckets(limit, 1);
    this.#now = now;
  }

  take(): boolean {
    const bucket = this.#buckets.peek('', this.#now());
    if (this.#buckets.wait(bucket) > 0) return false;
    this.#buckets.take('', bucket);
    return true;
  }
}
