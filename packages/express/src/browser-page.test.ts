/**
 * The plain-JS page of core's README ("In the browser without Angular"), as it is written there, signs in hash
 * mode in Debian's Chromium: built `@itsme-sign/core/browser` served as ES modules through the page's import
 * map, this Express adapter in front of core's handler, and the sandbox in place of itsme®.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SignatureResult } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { launchChromium } from '@itsme-sign/test-support/browser';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ItsmeSignMiddleware, itsmeSign } from './index.js';
import { BASE, COOKIE_SECRET } from './test-support/app.js';

/** Core's package folder (its README and its built `dist/`), found as Node finds the dependency. */
const coreDir = dirname(createRequire(import.meta.url).resolve('@itsme-sign/core/package.json'));
const coreDist = join(coreDir, 'dist');

/** The first `html` block of the README's section. */
function pageFromReadme(): string {
  const readme = readFileSync(join(coreDir, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In the browser without Angular'));
  const block = /```html\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('no html block in the README section "In the browser without Angular"');
  return block;
}

let sandbox: Sandbox;
let browser: Browser;
let middleware: ItsmeSignMiddleware;
let server: ReturnType<express.Express['listen']>;
let url: string;

beforeAll(async () => {
  if (!existsSync(join(coreDist, 'browser', 'index.js'))) {
    throw new Error(`${coreDist}/browser is missing: build @itsme-sign/core first (pnpm build)`);
  }
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-browser-page-')) });
  const app = express();
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.addRedirectUrl(`${url}${BASE}/callback`);
  middleware = itsmeSign({
    basePath: BASE,
    client: sandbox.clientOptions(),
    redirectUrl: `${url}${BASE}/callback`,
    statusPageUrl: '/sign',
    cookie: { secrets: [COOKIE_SECRET] },
    allowBrowserDigests: true,
    pollIntervalMs: 200,
  });
  app.use(BASE, middleware);
  app.use('/vendor/itsme-sign-core', express.static(coreDist));
  const page = pageFromReadme();
  app.get('/sign', (_req, res) => {
    res.type('html').send(page);
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await middleware?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await sandbox?.close();
});

const status = (page: Page) => page.locator('#status');

/** Waits until the follower's state is `type` and the status line contains `text`. */
async function waitForStatus(page: Page, type: string, text: string): Promise<void> {
  await page.locator(`#status[data-state="${type}"]`, { hasText: text }).waitFor({ timeout: 20_000 });
}

describe("core README's plain-JS page in Chromium", () => {
  it('signs in hash mode: start, identify, confirm, download a signature that verifies', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${url}/sign`);
      await waitForStatus(page, 'failed', 'No signing session yet.');

      // Start: the follower posts the digest and sends the browser to itsme®'s identification page.
      const text = 'Contract 2026-0042';
      await page.locator('#sign').click();
      await page.waitForURL((u) => u.href.startsWith(sandbox.frontUrl), { timeout: 20_000 });
      const identified = await sandbox.control.identify({ url: page.url() });

      // Back through the handler's callback to the page, which follows the session on to the signing page.
      await page.goto(identified.redirectUrl);
      await page.waitForURL((u) => u.href.startsWith(sandbox.frontUrl), { timeout: 20_000 });
      const signed = await sandbox.control.sign({ url: page.url() });

      await page.goto(signed.redirectUrl);
      expect(page.url()).toBe(`${url}/sign`);
      await waitForStatus(page, 'finished', 'Session signed, step: signed.');
      expect(await page.locator('#cancel').isHidden()).toBe(true);
      const href = await page.locator('#result').getAttribute('href');
      expect(href).toBe(`${BASE}/session/result`);

      // The result, fetched as the page would (with its cookie), verifies against the certificate.
      const result = (await page.evaluate(
        async (h) => (await fetch(h)).json(),
        href ?? '',
      )) as SignatureResult;
      expect(result.digest).toBe(createHash('sha256').update(text).digest('base64'));
      const certificate = new X509Certificate(result.certificate);
      const ok = verify(
        'sha256',
        Buffer.from(text),
        certificate.publicKey,
        Buffer.from(result.signatureValue, 'base64'),
      );
      expect(ok).toBe(true);
      expect(problems).toEqual([]);
      await expect(status(page).textContent()).resolves.toContain('signed');
    } finally {
      await context.close();
    }
  });

  it('Back from itsme®: no redirect by itself, "Continue" and "Cancel" are offered; Cancel ends the session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${url}/sign`);
      await waitForStatus(page, 'failed', 'No signing session yet.');
      await page.locator('#sign').click();
      await page.waitForURL((u) => u.href.startsWith(sandbox.frontUrl), { timeout: 20_000 });
      // The user presses Back at itsme®: the page looks again and stays (restored or reloaded from the history).
      await page.goBack();
      await waitForStatus(page, 'following', 'Session identifying');
      expect(page.url()).toBe(`${url}/sign`);
      expect(await page.locator('#continue').isVisible()).toBe(true);
      await page.locator('#cancel').click();
      await waitForStatus(page, 'finished', 'Session cancelled');
      expect(await page.locator('#result').isHidden()).toBe(true);
      expect(await page.locator('#continue').isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
