/**
 * 2. Handler throughput: `GET /api/itsme/session` (cookie of a session in the final `signed` state, so no
 * upstream call happens) through `@itsme-sign/express` and `@itsme-sign/nestjs`, versus a bare route of the same
 * framework in the same process answering the same JSON. Load from autocannon in this process; each back end
 * runs in its own process.
 */
import autocannon from 'autocannon';
import { startApp } from './lib/apps.mjs';
import { BASE, Browser, driveSession } from './lib/browser.mjs';
import { Cleanup } from './lib/processes.mjs';
import { startSandboxProcess } from './lib/sandbox.mjs';
import { int, ms, ratio, verdict } from './lib/stats.mjs';

const CONNECTIONS = 50;

async function load(url, cookie, seconds) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { cookie, accept: 'application/json' },
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(`${url}: ${bad} failed requests (non-2xx ${result.non2xx}, errors ${result.errors})`);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

const add = (a, b) => ({
  requests: a.requests + b.requests,
  seconds: a.seconds + b.seconds,
  p50s: [...a.p50s, b.p50],
  p99s: [...a.p99s, b.p99],
});
const empty = () => ({ requests: 0, seconds: 0, p50s: [], p99s: [] });

export async function run({ quick }) {
  const windows = quick ? [1] : [2.5, 2.5]; // per route; A B B A
  const warmup = quick ? 0.5 : 1;
  const cleanup = new Cleanup();
  const rows = [];
  const targets = [];
  try {
    const sb = await startSandboxProcess();
    cleanup.add(sb.stop);
    for (const framework of ['express', 'nest']) {
      const app = await startApp(sb, { framework });
      cleanup.add(app.stop);
      const browser = new Browser(app.url);
      const signed = await driveSession(browser, sb, { sign: true });
      await app.setBareBody(signed);
      const sdkUrl = `${app.url}${BASE}/session`;
      const bareUrl = `${app.url}/bare/session`;
      const check = await (await fetch(bareUrl)).json();
      if (JSON.stringify(check) !== JSON.stringify(signed))
        throw new Error('the bare route answers other JSON');
      const cookie = browser.cookieHeader;
      await load(bareUrl, cookie, warmup);
      await load(sdkUrl, cookie, warmup);
      let sdk = empty();
      let bare = empty();
      for (let i = 0; i < windows.length; i++) {
        const order = i % 2 === 0 ? ['bare', 'sdk'] : ['sdk', 'bare'];
        for (const which of order) {
          const r = await load(which === 'sdk' ? sdkUrl : bareUrl, cookie, windows[i]);
          if (which === 'sdk') sdk = add(sdk, r);
          else bare = add(bare, r);
        }
      }
      await app.stop();
      const rps = (x) => x.requests / x.seconds;
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const label = framework === 'nest' ? 'NestJS' : 'Express';
      rows.push(
        [`${label}: bare route`, int(rps(bare)), ms(mean(bare.p50s)), ms(mean(bare.p99s)), ''],
        [
          `${label}: itsme-sign GET ${BASE}/session`,
          int(rps(sdk)),
          ms(mean(sdk.p50s)),
          ms(mean(sdk.p99s)),
          ratio(rps(sdk), rps(bare)),
        ],
      );
      const r = rps(sdk) / rps(bare);
      targets.push(`${label}: ≥ 0.80× the bare route: ${r.toFixed(2)}× — ${verdict(r >= 0.8)}`);
    }
    return {
      name: 'handler',
      title: '2. Handler throughput: session-status route vs a bare route (autocannon)',
      mode: `${CONNECTIONS} connections, ${windows.length} window(s) of ${windows[0]} s per route (A B B A), after ${warmup} s warm-up each`,
      tables: [{ columns: ['route', 'req/s', 'p50', 'p99', 'vs bare'], rows }],
      targets,
      notes: [
        'The session is in the final `signed` state: the route reads the store, checks the cookie HMAC and renders the view; no upstream call.',
        'The bare route answers the same JSON (captured from the SDK route) with `res.json()` (Express) or a plain controller method (Nest), in the same process.',
        'autocannon runs in the benchmark process and the back end in another, on the same 2 cores: the load generator competes with the server, which compresses the differences between the routes.',
      ],
    };
  } finally {
    await cleanup.run();
  }
}
