import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionView } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { TestBrowser } from '@itsme-sign/test-support/http-browser';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itsmeSign } from './index.js';
import { BASE, COOKIE_SECRET } from './test-support/app.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-express4-')) });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('Express 4', () => {
  it('runs the whole hash flow', async () => {
    const pkg = (await import('express4/package.json', { with: { type: 'json' } })).default as {
      version: string;
    };
    expect(pkg.version.startsWith('4.')).toBe(true);
    const app = express4();
    app.use(express4.json()); // a body parser before us must not break the POST
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sandbox.addRedirectUrl(`${url}${BASE}/callback`);
    const mw = itsmeSign({
      basePath: BASE,
      client: sandbox.clientOptions(),
      redirectUrl: `${url}${BASE}/callback`,
      statusPageUrl: '/status',
      cookie: { secrets: [COOKIE_SECRET] },
      allowBrowserDigests: true,
    });
    app.use(BASE, mw);
    try {
      const browser = new TestBrowser(url);
      const digest = createHash('sha256').update('express 4').digest('hex');
      const started = (await browser.post(`${BASE}/sessions`, { digest })).body as SessionView;
      const id = await sandbox.control.identify({ url: (started.next as { url: string }).url });
      expect((await browser.fetch(id.redirectUrl)).headers.get('location')).toBe('/status');
      const signing = (await browser.json<SessionView>(`${BASE}/session`)).body;
      const signed = await sandbox.control.sign({ url: (signing.next as { url: string }).url });
      await browser.fetch(signed.redirectUrl);
      expect((await browser.json<SessionView>(`${BASE}/session`)).body.status).toBe('signed');
    } finally {
      await mw.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
