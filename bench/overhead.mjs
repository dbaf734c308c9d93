/**
 * 1. Protocol overhead: complete flows (identification start, identification status, sign start, sign status)
 * through `@itsme-sign/core`'s B2BClient versus the same four requests with plain undici (same TLS
 * credentials, same keep-alive pool, JSON bodies, no validation), against the sandbox in its own process.
 *
 * Each round runs K flows phase by phase: all identification starts (timed), then the user's confirmations
 * through the sandbox's control API (not timed), all identification statuses (timed), all sign starts (timed),
 * the user's signatures (not timed), all sign statuses (timed). Phases run with a fixed concurrency. SDK and raw
 * rounds alternate (A B B A …) so that a change in the machine's load hits both sides alike.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createB2BClient } from '@itsme-sign/core';
import { Agent, request } from 'undici';
import { Cleanup } from './lib/processes.mjs';
import { startSandboxProcess } from './lib/sandbox.mjs';
import { ms, quantile, ratio, verdict } from './lib/stats.mjs';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback'; // registered, never followed
const POLICY = '1.3.6.1.4.1.49274.1.1.7.1.0';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const CALLS = ['identification start', 'identification status', 'sign start', 'sign status'];
const POOL = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 32 };

const requestId = () => `ReqID${randomBytes(18).toString('base64url')}`;
const newDigest = () => createHash('sha256').update(randomBytes(32)).digest('base64');

/** The four calls through the SDK. */
function sdkSide(client) {
  return {
    name: 'SDK (B2BClient)',
    startIdentification: () => client.startIdentification({ lang: 'FR', redirectUrl: REDIRECT_URL }),
    async identificationStatus(asyncRespID) {
      const s = await client.getIdentificationStatus(asyncRespID);
      if (s.state !== 'identified') throw new Error(`identification status: ${s.state}`);
      return s.userCode;
    },
    startSigning: (userCode) =>
      client.startSigning({
        userCode,
        documents: [{ id: 'contract.pdf', digest: newDigest() }],
        lang: 'FR',
        redirectUrl: REDIRECT_URL,
        signPolicyRef: POLICY,
      }),
    async signingStatus(respID) {
      const s = await client.getSigningStatus(respID);
      if (s.state !== 'signed') throw new Error(`sign status: ${s.state}`);
    },
  };
}

/** The same four requests with plain undici: JSON in, JSON out, the status code checked, nothing validated. */
function rawSide(agent, sb) {
  const post = async (path, body) => {
    const res = await request(`${sb.b2bUrl}${path}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.body.json();
    if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}`);
    return json;
  };
  const { partnerCode, serviceCode } = sb.partner;
  return {
    name: 'raw undici',
    async startIdentification() {
      const b = await post('/user_identification', {
        partnerCode,
        serviceCode,
        lang: 'FR',
        redirectUrl: REDIRECT_URL,
      });
      return { asyncRespID: b.asyncRespId ?? b.asyncRespID, identificationUrl: b.identificationUrl };
    },
    async identificationStatus(asyncRespID) {
      return (await post('/user_identification/status', { partnerCode, serviceCode, asyncRespID })).userCode;
    },
    async startSigning(userCode) {
      const b = await post('/sign_document', {
        inDocs: { docHash: [{ id: 'contract.pdf', di: [{ alg: SHA256, value: newDigest() }] }] },
        reqID: requestId(),
        asyncRespID: null,
        optInp: {
          lang: 'FR',
          itsme: {
            signer: { userCode },
            partnerCode,
            serviceCode,
            redirectUrl: REDIRECT_URL,
            signPolicy: { signPolicyRef: POLICY },
          },
        },
      });
      return { respID: b.respID, signingUrl: b.optOutp.itsme.signingUrl };
    },
    async signingStatus(respID) {
      const b = await post('/sign_document', {
        inDocs: null,
        reqID: requestId(),
        asyncRespID: respID,
        optInp: { itsme: { partnerCode, serviceCode } },
      });
      if (!b.result.maj.endsWith(':Success')) throw new Error(`sign status: ${b.result.maj}`);
    },
  };
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in order. */
async function pool(items, concurrency, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** K flows, phase by phase; returns the busy time of the timed phases and each call's latency. */
async function round(side, sb, flows, concurrency) {
  const latencies = CALLS.map(() => []);
  let busyMs = 0;
  let cpuUs = 0;
  const phase = async (index, items, fn) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await pool(items, concurrency, async (item) => {
      const t = performance.now();
      const r = await fn(item);
      latencies[index].push(performance.now() - t);
      return r;
    });
    busyMs += performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    cpuUs += cpu.user + cpu.system;
    return out;
  };
  const started = await phase(0, Array.from({ length: flows }), () => side.startIdentification());
  await pool(started, concurrency, (s) => sb.identify(s.identificationUrl));
  const userCodes = await phase(1, started, (s) => side.identificationStatus(s.asyncRespID));
  const signing = await phase(2, userCodes, (userCode) => side.startSigning(userCode));
  await pool(signing, concurrency, (s) => sb.sign(s.signingUrl));
  await phase(3, signing, (s) => side.signingStatus(s.respID));
  return { calls: flows * CALLS.length, busyMs, cpuUs, latencies };
}

/** Alternating SDK/raw rounds at one concurrency; returns the figures of each side. */
async function measure(sides, sb, { flows, rounds, concurrency }) {
  // Warm-up (not counted): TLS sessions, JIT, the sandbox user's certificate (created on first use).
  for (const side of sides) await round(side, sb, Math.min(flows, 10), concurrency);
  const totals = sides.map(() => ({ calls: 0, busyMs: 0, cpuUs: 0, latencies: CALLS.map(() => []) }));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const res = await round(sides[i], sb, flows, concurrency);
      totals[i].calls += res.calls;
      totals[i].busyMs += res.busyMs;
      totals[i].cpuUs += res.cpuUs;
      for (const [k, l] of res.latencies.entries()) totals[i].latencies[k].push(...l);
    }
  }
  return totals.map((t) => {
    const all = t.latencies.flat();
    return {
      throughput: (t.calls / t.busyMs) * 1000,
      p50: quantile(all, 0.5),
      p99: quantile(all, 0.99),
      perCall: t.latencies.map((l) => quantile(l, 0.5)),
      calls: t.calls,
      busyMs: t.busyMs,
      cpuPerCall: t.cpuUs / t.calls,
    };
  });
}

export async function run({ quick }) {
  const flows = quick ? 20 : 150;
  const rounds = quick ? 2 : 4;
  const concurrencies = quick ? [1, 4] : [1, 8];
  const cleanup = new Cleanup();
  try {
    const sb = await startSandboxProcess({ redirectUrls: [REDIRECT_URL] });
    cleanup.add(sb.stop);
    const client = createB2BClient(sb.clientOptions);
    cleanup.add(() => client.close());
    const agent = new Agent({
      ...POOL,
      connect: {
        cert: sb.credentials.clientCertPem,
        key: sb.credentials.clientKeyPem,
        ca: sb.credentials.caCertPem,
      },
    });
    cleanup.add(() => agent.close());
    const sides = [sdkSide(client), rawSide(agent, sb)];
    const row = (name, f) => [
      name,
      f.calls,
      `${f.throughput.toFixed(0)} calls/s`,
      ms(f.p50),
      ms(f.p99),
      ...f.perCall.map(ms),
      `${f.cpuPerCall.toFixed(0)} µs`,
    ];
    const rows = [];
    const targets = [];
    const notes = [];
    for (const concurrency of concurrencies) {
      const [sdk, raw] = await measure(sides, sb, { flows, rounds, concurrency });
      const tput = sdk.throughput / raw.throughput;
      const p50 = sdk.p50 / raw.p50;
      const p99 = sdk.p99 / raw.p99;
      rows.push(
        row(`${sides[0].name}, concurrency ${concurrency}`, sdk),
        row(`${sides[1].name}, concurrency ${concurrency}`, raw),
        [
          `SDK / raw, concurrency ${concurrency}`,
          '',
          ratio(sdk.throughput, raw.throughput),
          ratio(sdk.p50, raw.p50),
          ratio(sdk.p99, raw.p99),
          ...sdk.perCall.map((v, k) => ratio(v, raw.perCall[k])),
          ratio(sdk.cpuPerCall, raw.cpuPerCall),
        ],
      );
      targets.push(
        `concurrency ${concurrency}: SDK throughput ≥ 0.90× raw: ${tput.toFixed(2)}× — ${verdict(tput >= 0.9)}; p50/p99 latency ≤ 1.10× raw: ${p50.toFixed(2)}× / ${p99.toFixed(2)}× — ${verdict(p50 <= 1.1 && p99 <= 1.1)}`,
      );
      notes.push(
        `Concurrency ${concurrency}: the SDK adds ${((sdk.p50 - raw.p50) * 1000).toFixed(0)} µs to the median call and ${(sdk.cpuPerCall - raw.cpuPerCall).toFixed(0)} µs of client CPU per call (timed busy time: SDK ${(sdk.busyMs / 1000).toFixed(1)} s, raw ${(raw.busyMs / 1000).toFixed(1)} s).`,
      );
    }
    return {
      name: 'overhead',
      title: '1. Protocol overhead: B2BClient vs raw undici (mutual TLS, keep-alive, sandbox)',
      mode: `${rounds} rounds × ${flows} flows per side and concurrency (${concurrencies.join(' and ')}), A/B alternated`,
      tables: [
        {
          columns: [
            'client',
            'B2B calls',
            'throughput',
            'p50',
            'p99',
            ...CALLS.map((c) => `p50 ${c}`),
            'client CPU / call',
          ],
          rows,
        },
      ],
      targets,
      notes: [
        ...notes,
        'Throughput = B2B calls / time spent in the four timed phases; the user actions (sandbox control API) between phases are not timed.',
        `Both sides use an undici Agent with the same client certificate, CA and pool (${POOL.connections} connections, keep-alive); the SDK adds request validation (zod), response validation, request ids and error mapping (timeouts are undici's, as on the raw side when it sets them).`,
        'The sandbox answers on the loopback in about a millisecond, so the ratios here are ratios of client CPU; against the real service (network round trips of tens of milliseconds) the same absolute overhead is a fraction of a percent.',
        '"client CPU / call" is the CPU time (user + system) of the benchmark process during the timed phases, per call: what the client itself spends, whatever the machine\'s load (the sandbox is another process).',
      ],
    };
  } finally {
    await cleanup.run();
  }
}
