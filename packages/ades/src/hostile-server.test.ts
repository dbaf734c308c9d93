/**
 * Hostile PDFs through a real Express server in document mode (sandbox over mTLS): each bomb ends with a
 * typed error in the session (or a signature), and the same server keeps answering other requests while
 * it reads the file. Prints the longest event-loop stall and the slowest answer seen meanwhile.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SessionView } from '@itsme-sign/core';
import { itsmeSign } from '@itsme-sign/express';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdesSigner } from './signer.js';
import { BOMBS } from './test-support/attacks.js';
import { cookieBrowser } from './test-support/cookie-browser.js';

const BASE = '/api/itsme';
let sandbox: Sandbox;
let url: string;
let close: () => Promise<void>;
const documents = new Map<string, Uint8Array>();

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-ades-hostile-')) });
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.addRedirectUrl(`${url}${BASE}/callback`);
  const middleware = itsmeSign({
    basePath: BASE,
    client: sandbox.clientOptions(),
    redirectUrl: `${url}${BASE}/callback`,
    statusPageUrl: '/status',
    cookie: { secrets: ['hostile-pdf-secret-0123456789-abcdefgh'] },
    documents: {
      documentSigner: createAdesSigner({ trustAnchors: [sandbox.credentials.rootCaPem] }),
      async resolveDocument(id) {
        const data = documents.get(id);
        return data && { name: `${id}.pdf`, contentType: 'application/pdf', data };
      },
    },
  });
  app.use(BASE, middleware);
  app.get('/ping', (_req, res) => {
    res.json({ ok: true });
  });
  close = async () => {
    await middleware.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await sandbox.close();
  };
}, 60_000);
afterAll(() => close?.());

const browser = () => cookieBrowser(url, (request) => fetch(request));

/** Pings the server every few ms until stopped; returns how many answers came and the slowest one. */
function pinger() {
  let stop = false;
  const latencies: number[] = [];
  const done = (async () => {
    while (!stop) {
      const t = performance.now();
      await (await fetch(`${url}/ping`)).json();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return async () => {
    stop = true;
    await done;
    return { answers: latencies.length, slowest: Math.max(...latencies) };
  };
}

const CASES = [
  'object stream (catalog, page) inflating to 4 GiB',
  '100 000 chained xref sections',
  'the xref stream on the chain has /Index [0 5000000] (35 MB of rows)',
  '500 000 tiny objects (~21 MB)',
  'page content stream inflating to 4 GiB (Flate, then ASCIIHex)',
];

describe('hostile PDFs through Express in document mode', () => {
  for (const name of CASES) {
    it(`${name}: the session ends with a typed outcome, other requests keep being answered`, async () => {
      const bomb = BOMBS.find((b) => b.name === name);
      if (!bomb) throw new Error(`no bomb named ${name}`);
      const id = `bomb-${CASES.indexOf(name)}`;
      documents.set(id, bomb.build());
      const go = browser();
      const started = (await (
        await go(`${BASE}/sessions`, { method: 'POST', body: JSON.stringify({ documentId: id }) })
      ).json()) as SessionView;
      expect(started.status).toBe('identifying');
      await sandbox.control.identify({ url: (started.next as { url: string }).url, phone: '+32470333333' });

      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const stopPing = pinger();
      // The callback starts the signature: the document is read (prepared) now.
      expect((await go(`${BASE}/callback`)).status).toBe(303);
      let view = (await (await go(`${BASE}/session`)).json()) as SessionView;
      const pings = await stopPing();
      delay.disable();
      const stallMs = delay.max / 1e6;
      console.log(
        `${name}: ${view.status}${view.error ? ` (${view.error.code}: ${view.error.message})` : ''}; ` +
          `longest event-loop stall ${stallMs.toFixed(1)} ms, ${pings.answers} pings answered, slowest ${pings.slowest.toFixed(1)} ms`,
      );
      if (view.status === 'signing') {
        await sandbox.control.sign({ url: (view.next as { url: string }).url });
        await go(`${BASE}/callback`);
        view = (await (await go(`${BASE}/session`)).json()) as SessionView;
        expect(view.status).toBe('signed');
      } else {
        expect(view.status).toBe('failed');
        expect(view.error?.code).toBe('INVALID_REQUEST');
        expect(view.error?.message).toMatch(/PDF/);
      }
      expect(pings.answers).toBeGreaterThan(0);
      // Generous for a shared 2-core machine: the point is "no freeze" (a freeze was 20 s before).
      expect(stallMs).toBeLessThan(1000);
    });
  }
});
