/**
 * 8. Batch signing: one session with 70 PDFs of 1 MiB against 70 single-document sessions, through core's
 * orchestrator against the sandbox (own process, mutual TLS): the time to prepare the documents (PAdES B-T
 * data to be signed, from the orchestrator's `document.prepare` steps) and the wall time from the user's
 * return to the sign start at itsme®. Then the size of a signing session of 1, 10 and 70 documents: its
 * JSON, the in-memory store's heap, and Redis (`MEMORY USAGE` of the key).
 */
import { readFileSync } from 'node:fs';
import { createAdesSigner } from '@itsme-sign/ades';
import { createItsmeSign, MemorySessionStore } from '@itsme-sign/core';
import { RedisSessionStore } from '@itsme-sign/redis';
import { pdfFile } from './lib/files.mjs';
import { Cleanup } from './lib/processes.mjs';
import { startRedisServer } from './lib/redis-server.mjs';
import { startSandboxProcess } from './lib/sandbox.mjs';
import { bytes, ms, ratio, sum } from './lib/stats.mjs';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback';
const COPIES = 200;

/** An orchestrator signing `pdf` as every document, at B-T, counting prepare time. */
function orchestrator(sandbox, pdf) {
  const prepareMs = [];
  const itsme = createItsmeSign({
    client: sandbox.clientOptions,
    redirectUrl: REDIRECT_URL,
    statusPageUrl: '/sign/status',
    cookie: { secrets: ['bench-batch-cookie-secret-0123456789abc'] },
    maxDocuments: 70,
    useDiscovery: false,
    completeInBackground: false,
    documents: {
      documentSigner: createAdesSigner({
        trustAnchors: [sandbox.credentials.rootCaPem],
        level: 'B-T',
        tsaUrl: sandbox.tsaUrl,
        tsa: { trustAnchors: [sandbox.credentials.rootCaPem] },
      }),
      resolveDocument: async (id) => ({ name: `${id}.pdf`, contentType: 'application/pdf', data: pdf }),
    },
    onEvent: (e) => {
      if (e.type === 'step.finished' && e.step === 'document.prepare') prepareMs.push(e.durationMs);
    },
  });
  return { itsme, prepareMs };
}

/** Starts a session of `count` documents and brings it to `signing`; the time from the user's return. */
async function toSigning(sandbox, itsme, count, phone) {
  const ids = Array.from({ length: count }, (_, i) => `doc-${i + 1}`);
  const subject =
    count === 1 ? { mode: 'document', documentId: ids[0] } : { mode: 'document', documentIds: ids };
  const started = await itsme.orchestrator.start({ subject, lang: 'EN' });
  await sandbox.identify(started.identification.identificationUrl, { phone });
  const t0 = performance.now();
  const signing = await itsme.orchestrator.userReturned(started.id);
  const wallMs = performance.now() - t0;
  if (signing?.status !== 'signing')
    throw new Error(`not signing: ${signing?.status} ${signing?.failure?.message}`);
  return { session: signing, wallMs };
}

function heapUsed() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

export async function run({ quick }) {
  const n = quick ? 10 : 70;
  const cleanup = new Cleanup();
  try {
    if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc (bench/run.mjs does)');
    const sandbox = await startSandboxProcess({ redirectUrls: [REDIRECT_URL] });
    cleanup.add(sandbox.stop);
    await sandbox.setMaxHashes(70);
    const pdf = readFileSync(await pdfFile(1));
    const phone = '+32471800001';

    // Warm the process and the revocation/TSA paths once.
    const warm = orchestrator(sandbox, pdf);
    await toSigning(sandbox, warm.itsme, 2, phone);
    await warm.itsme.close();

    const singles = orchestrator(sandbox, pdf);
    let singleWall = 0;
    for (let i = 0; i < n; i++) singleWall += (await toSigning(sandbox, singles.itsme, 1, phone)).wallMs;
    await singles.itsme.close();

    const batch = orchestrator(sandbox, pdf);
    const { wallMs: batchWall } = await toSigning(sandbox, batch.itsme, n, phone);
    await batch.itsme.close();

    const redis = await startRedisServer();
    cleanup.add(redis.stop);
    const sizes = [];
    for (const count of [1, 10, 70]) {
      const o = orchestrator(sandbox, pdf);
      const { session } = await toSigning(sandbox, o.itsme, count, phone);
      // The in-memory store's cost per session: COPIES sessions like this one (fresh ids), heap delta / COPIES.
      const memory = new MemorySessionStore();
      const before = heapUsed();
      for (let i = 0; i < COPIES; i++)
        await memory.compareAndSet({ ...session, id: `${session.id}-${i}` }, 0, 60_000);
      const heap = (heapUsed() - before) / COPIES;
      const red = new RedisSessionStore({ redis: redis.url, keyPrefix: `bench-batch-${count}:` });
      await red.compareAndSet(session, 0, 60_000);
      sizes.push([
        String(count),
        bytes(Buffer.byteLength(JSON.stringify(session))),
        bytes(Buffer.byteLength(JSON.stringify(session)) / count),
        bytes(heap),
        bytes((await red.memoryUsage(session.id)) ?? Number.NaN),
      ]);
      await red.close();
      await o.itsme.close();
      await memory.close();
    }

    return {
      name: 'batch',
      title: '8. Batch signing: 70 documents with one approval',
      mode: `${n} PDFs of 1 MiB, PAdES B-T, sandbox in its own process`,
      tables: [
        {
          columns: ['', `${n} single sessions`, `one session of ${n}`, 'batch / singles'],
          rows: [
            [
              'prepare (sum of document.prepare)',
              ms(sum(singles.prepareMs)),
              ms(sum(batch.prepareMs)),
              ratio(sum(batch.prepareMs), sum(singles.prepareMs)),
            ],
            [
              'from the return to the sign start (wall)',
              ms(singleWall),
              ms(batchWall),
              ratio(batchWall, singleWall),
            ],
          ],
        },
        {
          columns: [
            'documents',
            'session JSON',
            'per document',
            'memory store (heap Δ)',
            'Redis MEMORY USAGE',
          ],
          rows: sizes,
        },
      ],
      targets: [],
      notes: [
        'Singles: each session identifies, prepares its one PDF and starts its own sign session at itsme® (one approval each). The batch: one identification, all PDFs prepared in turn, one sign start with one docHash entry per document.',
        "The session keeps the signer's certificate chain once; each document adds its digest and the PAdES state (byte ranges, signed attributes, the incremental update's layout), not the chain.",
        `Memory store: ${COPIES} copies of the session written to a MemorySessionStore (deep-frozen JSON copies), V8 heap delta after gc / ${COPIES}. Redis: MEMORY USAGE of the session's key.`,
      ],
    };
  } finally {
    await cleanup.run();
  }
}
