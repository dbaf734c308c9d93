/**
 * A real Redis Cluster for tests: three masters (no replicas) on free loopback ports, each a
 * `redis-server --cluster-enabled yes` started by `startRedisServer`, joined with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`. `stop()` kills every node and removes
 * their directories; a start that fails half-way stops what it started.
 */
import { spawn } from 'node:child_process';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { freePort, type RedisServer, startRedisServer, stopAll } from './server.js';

export interface RedisClusterServer {
  /** The masters' addresses (startup nodes for `new Cluster(nodes)`). */
  nodes: { host: string; port: number }[];
  servers: RedisServer[];
  /** A new ioredis `Cluster` on these nodes (the caller disconnects it). */
  client(options?: ClusterOptions): Cluster;
  /** The port of the master that serves `key`. */
  portOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

const CLI = process.env.REDIS_CLI ?? 'redis-cli';

function run(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${bin} ${args.join(' ')} exited ${code}:\n${out.slice(-2000)}`));
    });
  });
}

/** Polls `check` every 25 ms until it answers true, for at most `ms`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function clusterOk(port: number): Promise<boolean> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = (await redis.call('CLUSTER', 'INFO')) as string;
    return /cluster_state:ok/.test(info) && /cluster_known_nodes:3/.test(info);
  } finally {
    redis.disconnect();
  }
}

export async function startRedisCluster(): Promise<RedisClusterServer> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      // The cluster bus port is chosen by the OS too (not port + 10000, which may be taken or out of range).
      const busPort = await freePort();
      servers.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
            '--cluster-port',
            String(busPort),
          ],
        }),
      );
    }
    await run(
      CLI,
      [
        '--cluster',
        'create',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      30_000,
    );
    for (const s of servers) await waitUntil(`cluster_state:ok on ${s.port}`, () => clusterOk(s.port));
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
  const nodes = servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  return {
    nodes,
    servers,
    client: (options) => new Cluster(nodes, options),
    async portOf(key) {
      const probe = new Cluster(nodes);
      try {
        const slot = (await probe.call('CLUSTER', 'KEYSLOT', key)) as number;
        const slots = (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const range = slots.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`no node serves slot ${slot}`);
        return range[2][1];
      } finally {
        probe.disconnect();
      }
    },
    stop: () => stopAll(servers),
  };
}
