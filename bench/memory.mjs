/**
 * 6. Session memory: bytes per pending session in core's MemorySessionStore (V8 heap delta after `global.gc()`,
 * run with `node --expose-gc`) and in Redis (`INFO memory` used_memory delta, and `MEMORY USAGE` of one key via
 * `RedisSessionStore.memoryUsage(id)`). Sessions are built with core's `createSession` + `transition` from a
 * real sandbox flow's values (certificate chain, URLs, ids), with fresh random session ids.
 */
import { randomBytes } from 'node:crypto';
import { createB2BClient, createSession, MemorySessionStore, transition } from '@itsme-sign/core';
import { RedisSessionStore } from '@itsme-sign/redis';
import { Redis } from 'ioredis';
import { Cleanup } from './lib/processes.mjs';
import { startRedisServer } from './lib/redis-server.mjs';
import { startSandboxProcess } from './lib/sandbox.mjs';
import { bytes, int } from './lib/stats.mjs';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback';
const TTL_MS = 15 * 60_000;

/** One real flow up to `signing` (the user has not confirmed): the values a real session holds. */
async function realValues(sandbox) {
  await sandbox.addRedirectUrl(REDIRECT_URL);
  const client = createB2BClient(sandbox.clientOptions);
  try {
    const id = await client.startIdentification({ lang: 'FR', redirectUrl: REDIRECT_URL });
    await sandbox.identify(id.identificationUrl);
    const status = await client.getIdentificationStatus(id.asyncRespID);
    const digest = randomBytes(32).toString('base64');
    const sign = await client.startSigning({
      userCode: status.userCode,
      documents: [{ id: 'contract-2026-0042.pdf', digest }],
      lang: 'FR',
      redirectUrl: REDIRECT_URL,
      signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0',
      signerRole: 'Gérant',
      description: 'Contrat de crédit 2026-0042',
    });
    return { id, status, sign, digest };
  } finally {
    await client.close();
  }
}

/** A session shaped like the orchestrator's, in `identifying` or `signing`. */
function makeSession(values, state) {
  const now = Date.now();
  let s = createSession({
    id: randomBytes(24).toString('base64url'),
    subject: {
      mode: 'hash',
      documents: [
        {
          id: 'contract-2026-0042.pdf',
          digest: randomBytes(32).toString('base64'),
          name: 'contract-2026-0042.pdf',
        },
      ],
    },
    options: { lang: 'FR', signerRole: 'Gérant', description: 'Contrat de crédit 2026-0042' },
    now,
    ttlMs: TTL_MS,
  });
  s = transition(
    s,
    {
      type: 'IDENTIFICATION_STARTED',
      asyncRespID: values.id.asyncRespID,
      identificationUrl: values.id.identificationUrl,
    },
    now,
  );
  if (state === 'identifying') return s;
  s = transition(s, { type: 'USER_RETURNED' }, now);
  s = transition(
    s,
    {
      type: 'IDENTIFIED',
      userCode: values.status.userCode,
      certificate: values.status.certificate,
      certificateChain: values.status.certificateChain,
    },
    now,
  );
  return transition(
    s,
    {
      type: 'SIGNING_STARTED',
      respID: values.sign.respID,
      signingUrl: values.sign.signingUrl,
      documents: s.subject.documents.map(({ id, digest }) => ({ id, digest })),
    },
    now,
  );
}

function heapUsed() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

async function memoryStore(values, state, count) {
  const before = heapUsed();
  const store = new MemorySessionStore();
  let jsonBytes = 0;
  for (let i = 0; i < count; i++) {
    const s = makeSession(values, state);
    jsonBytes += Buffer.byteLength(JSON.stringify(s));
    if (!(await store.compareAndSet(s, 0, TTL_MS))) throw new Error('compareAndSet refused a new session');
  }
  const after = heapUsed();
  if (store.size !== count) throw new Error(`the store holds ${store.size} sessions, not ${count}`);
  await store.close();
  return { perSession: (after - before) / count, json: jsonBytes / count };
}

async function redisStore(values, state, count, url) {
  const admin = new Redis(url);
  const store = new RedisSessionStore({ redis: url });
  try {
    await admin.flushall();
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))[1]);
    const before = await usedMemory();
    const ids = [];
    for (let i = 0; i < count; i++) {
      const s = makeSession(values, state);
      ids.push(s.id);
      if (!(await store.compareAndSet(s, 0, TTL_MS))) throw new Error('compareAndSet refused a new session');
    }
    const after = await usedMemory();
    const sample = ids.filter((_, i) => i % Math.ceil(count / 100) === 0);
    let usage = 0;
    for (const id of sample) usage += (await store.memoryUsage(id)) ?? Number.NaN;
    return { perSession: (after - before) / count, memoryUsage: usage / sample.length };
  } finally {
    await store.close();
    admin.disconnect();
  }
}

export async function run({ quick }) {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc (bench/run.mjs does)');
  const count = quick ? 1_000 : 10_000;
  const cleanup = new Cleanup();
  try {
    const sandbox = await startSandboxProcess();
    cleanup.add(sandbox.stop);
    const values = await realValues(sandbox);
    await sandbox.stop();
    const redis = await startRedisServer();
    cleanup.add(redis.stop);
    const rows = [];
    for (const state of ['identifying', 'signing']) {
      const mem = await memoryStore(values, state, count);
      const red = await redisStore(values, state, count, redis.url);
      rows.push([
        state,
        int(count),
        bytes(mem.json),
        bytes(mem.perSession),
        bytes(red.perSession),
        bytes(red.memoryUsage),
      ]);
    }
    return {
      name: 'memory',
      title: '6. Session memory: bytes per pending session',
      mode: `${int(count)} sessions per state and store`,
      tables: [
        {
          columns: [
            'state',
            'sessions',
            'session JSON',
            'MemorySessionStore (V8 heap Δ / session)',
            'Redis (used_memory Δ / session)',
            'Redis MEMORY USAGE of one key',
          ],
          rows,
        },
      ],
      targets: [],
      notes: [
        '`identifying`: created + identification started (ids and the identification URL). `signing`: also the signer (userCode, certificate and its chain: leaf, issuing CA, root, as the sandbox returns them) and the sign session (respID, signing URL, digest).',
        'The memory store keeps each session as one deep-frozen object (a JSON copy); the heap delta also counts the Map entries. Redis keeps a hash per session (`v`, `j`) with a TTL; used_memory includes the expiry entries and key overhead; MEMORY USAGE is the key alone.',
        "Leases (one short key per session and poll interval) and the handler's in-flight maps are not included: they exist only while a session is polled.",
      ],
    };
  } finally {
    await cleanup.run();
  }
}
