/**
 * A `SessionStore` on Redis, for apps running on several instances: compare-and-set on the session version
 * in one Lua script, a TTL per session, polling leases with `SET NX PX`, and change notifications over one
 * pub/sub channel (so long polls on any instance wake up). No `KEYS`/`SCAN` anywhere.
 */
import { type SessionStore, SessionWatchers, type SigningSession } from '@itsme-sign/core';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisSessionStoreOptions {
  /** An ioredis client (not closed by `close()`), a `redis://` URL, or ioredis options. */
  redis: Redis | string | RedisOptions;
  /** Prefix of every key and of the channel. Default `itsme-sign:`. */
  keyPrefix?: string;
  /** Connection errors of a client the store created (default: ignored; commands fail on their own). */
  onError?: (error: Error) => void;
}

/** KEYS[1] session hash; ARGV: expected version, new version, json, ttl ms, channel, id. */
const CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'v')
if (current or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
`;

type CasRedis = Redis & {
  itsmeCas(
    key: string,
    expected: string,
    version: string,
    json: string,
    ttl: string,
    channel: string,
    id: string,
  ): Promise<number>;
};

export class RedisSessionStore implements SessionStore {
  readonly #redis: CasRedis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #watchers = new SessionWatchers();
  #subscriber: Redis | undefined;
  #closed = false;

  constructor(options: RedisSessionStoreOptions) {
    const { redis } = options;
    if (redis instanceof Redis) {
      this.#redis = redis as CasRedis;
      this.#ownsClient = false;
    } else {
      this.#redis = (typeof redis === 'string' ? new Redis(redis) : new Redis(redis)) as CasRedis;
      this.#ownsClient = true;
      // Connection errors surface through the failing commands (as STORE_UNAVAILABLE in core).
      this.#redis.on('error', options.onError ?? (() => {}));
    }
    this.#redis.defineCommand('itsmeCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
    this.#prefix = options.keyPrefix ?? 'itsme-sign:';
    this.#channel = `${this.#prefix}changed`;
  }

  #key(id: string): string {
    return `${this.#prefix}session:${id}`;
  }

  async get(id: string): Promise<SigningSession | undefined> {
    const json = await this.#redis.hget(this.#key(id), 'j');
    return json ? (JSON.parse(json) as SigningSession) : undefined;
  }

  async compareAndSet(session: SigningSession, expectedVersion: number, ttlMs: number): Promise<boolean> {
    const written = await this.#redis.itsmeCas(
      this.#key(session.id),
      String(expectedVersion),
      String(session.version),
      JSON.stringify(session),
      String(Math.max(1, Math.ceil(ttlMs))),
      this.#channel,
      session.id,
    );
    return written === 1;
  }

  async delete(id: string): Promise<void> {
    await this.#redis.multi().del(this.#key(id)).publish(this.#channel, id).exec();
  }

  async acquireLease(key: string, ttlMs: number): Promise<boolean> {
    const ok = await this.#redis.set(
      `${this.#prefix}lease:${key}`,
      '1',
      'PX',
      Math.max(1, Math.ceil(ttlMs)),
      'NX',
    );
    return ok === 'OK';
  }

  /** A signed result (document mode) beside the session, as a plain string key with the same TTL. */
  async putResult(key: string, bytes: Uint8Array, ttlMs: number): Promise<boolean> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ok = await this.#redis.set(
      `${this.#prefix}result:${key}`,
      data,
      'PX',
      Math.max(1, Math.ceil(ttlMs)),
    );
    return ok === 'OK';
  }

  async getResult(key: string): Promise<Uint8Array | undefined> {
    const data = await this.#redis.getBuffer(`${this.#prefix}result:${key}`);
    return data ? new Uint8Array(data) : undefined;
  }

  watch(id: string, listener: () => void): () => void {
    // After close() no new subscriber connection is opened (a long poll still in flight just times out).
    if (this.#closed) return () => {};
    this.#subscribe();
    return this.#watchers.watch(id, listener);
  }

  /** Bytes Redis uses for one session (MEMORY USAGE), for benchmarks. */
  async memoryUsage(id: string): Promise<number | null> {
    return (await this.#redis.call('MEMORY', 'USAGE', this.#key(id))) as number | null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    if (this.#subscriber) {
      this.#subscriber.disconnect();
      this.#subscriber = undefined;
    }
    if (this.#ownsClient) this.#redis.disconnect();
  }

  /** One subscriber connection per store, opened on the first `watch`. */
  #subscribe(): void {
    if (this.#subscriber) return;
    const sub = this.#redis.duplicate();
    this.#subscriber = sub;
    sub.on('message', (_channel: string, id: string) => this.#watchers.notify(id));
    // Errors surface through the command connection; a subscriber that drops reconnects on its own.
    sub.on('error', () => {});
    sub.subscribe(this.#channel).catch(() => {});
  }
}
