/**
 * A `SessionStore` on Redis, for apps running on several instances: compare-and-set on the session version
 * in one Lua script, a TTL per session, polling leases with `SET NX PX`, and change notifications over one
 * pub/sub channel (so long polls on any instance wake up). No `KEYS`/`SCAN` anywhere.
 *
 * Every command touches one key, so the store runs unchanged on a single server, behind Sentinel, or on a
 * Redis Cluster (keys spread over the slots; the channel is a classic, cluster-wide one).
 */
import { ItsmeSignError, type SessionStore, SessionWatchers, type SigningSession } from '@itsme-sign/core';
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/** A Redis Cluster the store connects to: its startup nodes and ioredis `ClusterOptions`. */
export interface RedisClusterConfig {
  cluster: ClusterNode[];
  options?: ClusterOptions;
}

export interface RedisSessionStoreOptions {
  /**
   * Where sessions live: an ioredis `Redis` or `Cluster` client (not closed by `close()`), a `redis://` URL,
   * ioredis options (`{ sentinels: [{ host, port }], name }` for Sentinel), or `{ cluster: nodes, options }`
   * for a Redis Cluster. Every read and write goes to the primary: clients that read from replicas
   * (`role: 'slave'`, `scaleReads` other than `'master'`) are refused.
   */
  redis: Redis | Cluster | string | RedisOptions | RedisClusterConfig;
  /** Prefix of every key and of the channel. Default `itsme-sign:`. */
  keyPrefix?: string;
  /** Connection errors of a client the store created (default: ignored; commands fail on their own). */
  onError?: (error: Error) => void;
  /**
   * Each write waits until this many replicas have it (`WAIT`), else fails (`STORE_UNAVAILABLE` in core)
   * instead of being acknowledged by a primary that might die before replicating it. Default: none (Redis
   * replication is asynchronous: a failover can drop the last writes acknowledged by the old primary).
   */
  waitForReplicas?: { replicas: number; timeoutMs: number };
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

/** KEYS[1] session hash; ARGV: channel, id. One key, so it needs no transaction across slots. */
const DELETE_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;

interface StoreCommands {
  itsmeCas(
    key: string,
    expected: string,
    version: string,
    json: string,
    ttl: string,
    channel: string,
    id: string,
  ): Promise<number>;
  itsmeDelete(key: string, channel: string, id: string): Promise<number>;
}
type Client = (Redis | Cluster) & StoreCommands;

const isClusterConfig = (v: object): v is RedisClusterConfig =>
  Array.isArray((v as RedisClusterConfig).cluster);

function refuseReplicaReads(redis: Redis | Cluster | RedisOptions | RedisClusterConfig): void {
  const options: RedisOptions | ClusterOptions | undefined =
    redis instanceof Redis || redis instanceof Cluster
      ? redis.options
      : isClusterConfig(redis)
        ? redis.options
        : redis;
  const reads = (options as ClusterOptions | undefined)?.scaleReads;
  const role = (options as RedisOptions | undefined)?.role;
  if ((reads !== undefined && reads !== 'master') || role === 'slave') {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message:
        'The Redis session store reads and writes on the primary only: a replica may not have the last write yet (remove scaleReads / role: "slave").',
      field: 'redis',
    });
  }
}

export class RedisSessionStore implements SessionStore {
  readonly #redis: Client;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #wait: { replicas: number; timeoutMs: number } | undefined;
  readonly #watchers = new SessionWatchers();
  #subscriber: Redis | Cluster | undefined;
  #closed = false;

  constructor(options: RedisSessionStoreOptions) {
    const { redis } = options;
    // Checked before a client is created (a refused configuration leaves no connection behind).
    if (typeof redis !== 'string') refuseReplicaReads(redis);
    this.#wait = checkWait(options.waitForReplicas);
    if (redis instanceof Redis || redis instanceof Cluster) {
      this.#redis = redis as Client;
      this.#ownsClient = false;
    } else {
      this.#redis = (
        typeof redis === 'string'
          ? new Redis(redis)
          : isClusterConfig(redis)
            ? new Cluster(redis.cluster, redis.options)
            : new Redis(redis)
      ) as Client;
      this.#ownsClient = true;
      // Connection errors surface through the failing commands (as STORE_UNAVAILABLE in core).
      this.#redis.on('error', options.onError ?? (() => {}));
    }
    this.#redis.defineCommand('itsmeCas', { numberOfKeys: 1, lua: CAS_SCRIPT });
    this.#redis.defineCommand('itsmeDelete', { numberOfKeys: 1, lua: DELETE_SCRIPT });
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
    const args = [
      this.#key(session.id),
      String(expectedVersion),
      String(session.version),
      JSON.stringify(session),
      String(ttl(ttlMs)),
      this.#channel,
      session.id,
    ] as const;
    if (!this.#wait) return (await this.#redis.itsmeCas(...args)) === 1;
    const pipeline = this.#redis.pipeline() as unknown as StoreCommands;
    pipeline.itsmeCas(...args);
    return (await this.#replicated(pipeline)) === 1;
  }

  async delete(id: string): Promise<void> {
    if (!this.#wait) {
      await this.#redis.itsmeDelete(this.#key(id), this.#channel, id);
      return;
    }
    const pipeline = this.#redis.pipeline() as unknown as StoreCommands;
    pipeline.itsmeDelete(this.#key(id), this.#channel, id);
    await this.#replicated(pipeline);
  }

  async acquireLease(key: string, ttlMs: number): Promise<boolean> {
    const ok = await this.#redis.set(`${this.#prefix}lease:${key}`, '1', 'PX', ttl(ttlMs), 'NX');
    return ok === 'OK';
  }

  /** A signed result (document mode) beside the session, as a plain string key with the same TTL. */
  async putResult(key: string, bytes: Uint8Array, ttlMs: number): Promise<boolean> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const k = `${this.#prefix}result:${key}`;
    if (!this.#wait) return (await this.#redis.set(k, data, 'PX', ttl(ttlMs))) === 'OK';
    return (await this.#replicated(this.#redis.pipeline().set(k, data, 'PX', ttl(ttlMs)))) === 'OK';
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

  /** Bytes Redis uses for one session (MEMORY USAGE, on the node that holds it), for benchmarks. */
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

  /**
   * Runs the write in `pipeline` followed by `WAIT` on the same connection (the same node in a cluster: a
   * pipeline goes to the node of its key) and returns the write's answer, or throws if too few replicas
   * acknowledged it in time (the write is then on the primary only and may be lost in a failover).
   */
  async #replicated(pipeline: unknown): Promise<unknown> {
    const { replicas, timeoutMs } = this.#wait!;
    const p = pipeline as ReturnType<Redis['pipeline']>;
    const results = (await p.call('WAIT', String(replicas), String(timeoutMs)).exec()) ?? [];
    const [[writeError, written] = [], [waitError, acked] = []] = results;
    if (writeError) throw writeError;
    if (waitError) throw waitError;
    if ((acked as number) < replicas) {
      throw new Error(
        `Redis: ${acked as number} of ${replicas} replicas acknowledged the write within ${timeoutMs} ms.`,
      );
    }
    return written;
  }

  /** One subscriber connection per store (a `Cluster` duplicate on a cluster), opened on the first `watch`. */
  #subscribe(): void {
    if (this.#subscriber) return;
    const sub = this.#redis.duplicate();
    this.#subscriber = sub;
    sub.on('message', (_channel: string, id: string) => this.#watchers.notify(id));
    // Errors surface through the command connection; a subscriber that drops reconnects and subscribes
    // again on its own (a wake-up missed meanwhile costs a long poll at most one poll interval).
    sub.on('error', () => {});
    sub.subscribe(this.#channel).catch(() => {});
  }
}

const ttl = (ms: number): number => Math.max(1, Math.ceil(ms));

/** `WAIT n 0` would block forever: the timeout is required and positive. */
function checkWait(wait: RedisSessionStoreOptions['waitForReplicas']): typeof wait {
  if (wait === undefined) return undefined;
  if (!Number.isInteger(wait.replicas) || wait.replicas < 0) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: 'waitForReplicas.replicas must be a whole number of replicas (0 or more).',
      field: 'waitForReplicas.replicas',
    });
  }
  if (!Number.isFinite(wait.timeoutMs) || wait.timeoutMs < 1) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: 'waitForReplicas.timeoutMs must be at least 1 ms (WAIT with 0 would block forever).',
      field: 'waitForReplicas.timeoutMs',
    });
  }
  return { replicas: wait.replicas, timeoutMs: Math.ceil(wait.timeoutMs) };
}
