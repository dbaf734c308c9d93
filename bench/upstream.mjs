/**
 * 3. Upstream economy: N browser tabs long-poll one pending session (`GET /session?wait=20&version=v`,
 * re-issued on every answer) for a fixed window; the upstream status calls are counted at the sandbox.
 * Single instance (memory store) and two instances sharing a real redis-server (tabs split between them).
 * The orchestrator's default poll interval (1 s) is used.
 */
import { startApp } from './lib/apps.mjs';
import { BASE, Browser, driveSession } from './lib/browser.mjs';
import { Cleanup } from './lib/processes.mjs';
import { startRedisServer } from './lib/redis-server.mjs';
import { startSandboxProcess, statusCalls } from './lib/sandbox.mjs';
import { verdict } from './lib/stats.mjs';

const POLL_INTERVAL_S = 1; // the orchestrator's default pollIntervalMs
const WAIT_S = 20;

/** One tab: long polls until `signal` aborts; counts its answers. */
async function tab(browser, version, signal, counter) {
  let known = version;
  while (!signal.aborted) {
    try {
      const view = await browser.json(`${BASE}/session?wait=${WAIT_S}&version=${known}`, { signal });
      counter.answers++;
      if (view.status !== 'signing') throw new Error(`the session left "signing": ${view.status}`);
      known = view.version;
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
  }
}

async function measure(sandbox, apps, tabs, windowS) {
  const first = new Browser(apps[0].url);
  const view = await driveSession(first, sandbox); // pending: the user has not confirmed
  const controller = new AbortController();
  const counter = { answers: 0 };
  const before = statusCalls(await sandbox.stats());
  const loops = Array.from({ length: tabs }, (_, i) =>
    tab(first.on(apps[i % apps.length].url), view.version, controller.signal, counter),
  );
  const failed = Promise.all(loops).then(() => undefined);
  await Promise.race([new Promise((r) => setTimeout(r, windowS * 1000)), failed]);
  const after = statusCalls(await sandbox.stats());
  controller.abort();
  await failed;
  // the next session starts clean: cancel this one
  await first.json(`${BASE}/session`, { method: 'DELETE' });
  return { calls: after - before, answers: counter.answers };
}

export async function run({ quick, long }) {
  const windowS = quick ? 4 : long ? 60 : 20;
  const tabCounts = quick ? [1, 10] : [1, 10, 100];
  const cleanup = new Cleanup();
  const rows = [];
  let worst = 0;
  try {
    const sandbox = await startSandboxProcess();
    cleanup.add(sandbox.stop);
    const redis = await startRedisServer();
    cleanup.add(redis.stop);
    const setups = [
      { label: 'single instance, memory store', start: async () => [await startApp(sandbox)] },
      {
        label: 'two instances, shared Redis',
        start: async () => {
          const a = await startApp(sandbox, { redis: redis.url });
          const b = await startApp(sandbox, { redis: redis.url, redirectOrigin: a.url }).catch(async (e) => {
            await a.stop();
            throw e;
          });
          return [a, b];
        },
      },
    ];
    for (const setup of setups) {
      const apps = await setup.start();
      for (const app of apps) cleanup.add(app.stop);
      for (const tabs of tabCounts) {
        const { calls, answers } = await measure(sandbox, apps, tabs, windowS);
        const intervals = windowS / POLL_INTERVAL_S;
        const perInterval = calls / intervals;
        worst = Math.max(worst, perInterval);
        rows.push([setup.label, tabs, `${windowS} s`, answers, calls, intervals, perInterval.toFixed(2)]);
      }
      for (const app of apps) await app.stop();
    }
    return {
      name: 'upstream',
      title: '3. Upstream economy: status calls to itsme® while N tabs long-poll one session',
      mode: `${windowS} s window per case, poll interval ${POLL_INTERVAL_S} s (default), long polls of ${WAIT_S} s${long ? ' (--long)' : ''}`,
      tables: [
        {
          columns: [
            'set-up',
            'tabs',
            'window',
            'long-poll answers',
            'upstream status calls',
            'poll intervals',
            'calls per interval',
          ],
          rows,
        },
      ],
      targets: [
        `one upstream call per poll interval whatever N (≤ 1.1 per interval, the window's edges included): worst ${worst.toFixed(2)} — ${verdict(worst <= 1.1)}`,
      ],
      notes: [
        'The session is in `signing`, the user has not confirmed: every status call answers "pending" and no write happens, so each long poll runs its full 20 s.',
        'Calls are counted by the sandbox (identification status + sign status) between the start and the end of the window.',
        'Two instances: separate processes, each with its own RedisSessionStore on one redis-server; tabs alternate between them.',
      ],
    };
  } finally {
    await cleanup.run();
  }
}
