/**
 * A real Sentinel set-up for tests: a primary, one replica and one or three `redis-server --sentinel`
 * processes watching them (quorum 1 of 1, or 2 of 3), all on free loopback ports, started with
 * `startRedisServer`. `killPrimary()` is a crash (SIGKILL); `waitForFailover()` waits until the sentinels
 * name the replica as the primary and it answers as one. `stop()` kills every process and removes every
 * directory; a start that fails half-way stops what it started.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { waitUntil } from './cluster.js';
import { type RedisServer, startRedisServer, stopAll } from './server.js';

export const MASTER_NAME = 'itsme-primary';

export interface RedisSentinelServer {
  primary: RedisServer;
  replica: RedisServer;
  sentinels: RedisServer[];
  /** ioredis options that reach the primary through the sentinels (`new Redis(options)`). */
  options(extra?: RedisOptions): RedisOptions;
  /** SIGKILL the primary. */
  killPrimary(): Promise<void>;
  /** Waits until the replica has been promoted (bounded; throws after `ms`). Returns how long it took. */
  waitForFailover(ms?: number): Promise<number>;
  /**
   * After a failover: starts the crashed node again (empty) as the new primary's replica, as an operator
   * would, and waits until it is in sync (the sentinels would reconfigure it too, but only after seconds).
   */
  rejoinOldPrimary(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `fn` on a short-lived connection to a port. */
async function on<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

const fields = (flat: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
};

export async function startRedisSentinel(options: { sentinels?: 1 | 3 } = {}): Promise<RedisSentinelServer> {
  const count = options.sentinels ?? 1;
  const quorum = count === 1 ? 1 : 2;
  const started: RedisServer[] = [];
  try {
    // Either node may become the primary: neither waits 5 s (the default) before a full sync to a replica.
    const fastSync = ['--repl-diskless-sync-delay', '0'];
    const primary = await startRedisServer({ args: fastSync });
    started.push(primary);
    const replica = await startRedisServer({
      args: [...fastSync, '--replicaof', '127.0.0.1', String(primary.port)],
    });
    started.push(replica);
    await waitUntil('the replica in sync', () =>
      on(replica.port, async (r) => /master_link_status:up/.test(await r.info('replication'))),
    );
    const sentinels: RedisServer[] = [];
    for (let i = 0; i < count; i++) {
      const sentinel = await startRedisServer({
        // A sentinel rewrites its config file: it lives in the sentinel's own directory.
        configFile: (dir) => {
          const file = join(dir, 'sentinel.conf');
          writeFileSync(
            file,
            [
              `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primary.port} ${quorum}`,
              `sentinel down-after-milliseconds ${MASTER_NAME} 400`,
              `sentinel failover-timeout ${MASTER_NAME} 2000`,
              `sentinel parallel-syncs ${MASTER_NAME} 1`,
              '',
            ].join('\n'),
          );
          return file;
        },
        args: ['--sentinel'],
      });
      started.push(sentinel);
      sentinels.push(sentinel);
    }
    // A failover needs each sentinel to know the replica (and, with three, the other sentinels).
    for (const s of sentinels) {
      await waitUntil(`sentinel ${s.port} to see the replica and ${count - 1} other sentinels`, () =>
        on(s.port, async (r) => {
          const replicas = ((await r.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][]).map(fields);
          const others = (await r.call('SENTINEL', 'SENTINELS', MASTER_NAME)) as string[][];
          const seen = replicas.some(
            (x) => x.port === String(replica.port) && !/disconnected|s_down/.test(x.flags ?? ''),
          );
          return seen && others.length === count - 1;
        }),
      );
    }
    const nodes = sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
    return {
      primary,
      replica,
      sentinels,
      options: (extra = {}) => ({ sentinels: nodes, name: MASTER_NAME, ...extra }),
      killPrimary: () => primary.kill(),
      async waitForFailover(ms = 15_000) {
        const t0 = Date.now();
        await waitUntil(
          'the sentinels to promote the replica',
          async () => {
            const addr = (await on(sentinels[0]!.port, (r) =>
              r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME),
            )) as [string, string];
            if (addr[1] !== String(replica.port)) return false;
            return on(replica.port, async (r) => /role:master/.test(await r.info('replication')));
          },
          ms,
        );
        return Date.now() - t0;
      },
      async rejoinOldPrimary() {
        await primary.restart();
        await on(primary.port, (r) => r.call('REPLICAOF', '127.0.0.1', String(replica.port)));
        await waitUntil('the old primary in sync as a replica', () =>
          on(primary.port, async (r) => /master_link_status:up/.test(await r.info('replication'))),
        );
      },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}
