/**
 * Callbacks bound to their phase (against the sandbox over mutual TLS): a repeated, parallel, HEAD or
 * prefetched callback never marks the signing step as done before the user has been sent there, and the
 * signing page stays on offer until then.
 */
import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../contract/index.js';
import type { ItsmeSign } from '../itsme-sign.js';
import { sandboxItsme, startTestSandbox, urlOf } from '../test-support/sandbox.js';
import { WebBrowser } from '../test-support/web-browser.js';

const BASE = '/api/itsme';
let sandbox: Sandbox;
let itsme: ItsmeSign;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  itsme = sandboxItsme(sandbox, {
    basePath: BASE,
    allowBrowserDigests: true, // hash mode from the browser (opt-in)
    completeInBackground: false,
  });
});
afterAll(async () => {
  await itsme?.close();
  await sandbox?.close();
});

/** A session identified at itsme® (the user has not come back yet), and its browser. */
async function identifiedAtItsme(): Promise<{ browser: WebBrowser; view: SessionView }> {
  const browser = new WebBrowser(itsme.handler);
  const digest = createHash('sha256').update(String(Math.random())).digest('base64');
  const view = (await (await browser.post(`${BASE}/sessions`, { digest })).json()) as SessionView;
  await sandbox.control.identify({ url: urlOf(view.next) });
  return { browser, view };
}

describe('callbacks bound to their phase', () => {
  it('30 parallel callbacks at identification: the signing page is still offered, through the go route', async () => {
    const { browser } = await identifiedAtItsme();
    const answers = await Promise.all(Array.from({ length: 30 }, () => browser.send(`${BASE}/callback`)));
    expect(answers.every((r) => r.status === 303)).toBe(true);
    const view = await browser.view();
    expect(view).toMatchObject({ status: 'signing', step: 'confirm' });
    expect(view.next).toMatchObject({ action: 'redirect', target: 'signing' });
    expect((view.next as { via: string }).via).toMatch(
      new RegExp(`^${BASE}/session/go\\?target=signing&s=[\\w-]{12}$`),
    );
    const session = await itsme.orchestrator.get(view.id);
    expect(session?.status === 'signing' && session.signing).toMatchObject({ returned: false });
  });

  it('HEAD and prefetched callbacks change nothing', async () => {
    const { browser, view } = await identifiedAtItsme();
    const before = (await itsme.orchestrator.get(view.id))?.version;
    expect((await browser.send(`${BASE}/callback`, { method: 'HEAD' })).status).toBe(303);
    expect((await browser.send(`${BASE}/callback`, { headers: { 'sec-purpose': 'prefetch' } })).status).toBe(
      303,
    );
    expect((await itsme.orchestrator.get(view.id))?.version).toBe(before);
  });

  it('go records that the user was sent and redirects to itsme®; then the callback is their return', async () => {
    const { browser } = await identifiedAtItsme();
    await browser.send(`${BASE}/callback`);
    const signing = await browser.view();
    const go = await browser.send((signing.next as { via: string }).via);
    expect(go.status).toBe(303);
    expect(go.headers.get('location')).toBe(urlOf(signing.next));
    await sandbox.control.sign({ url: urlOf(signing.next) });
    await browser.send(`${BASE}/callback`);
    expect((await browser.view()).status).toBe('signed');
    // Signed: the go route sends the browser back to the app's page.
    const after = await browser.send(`${BASE}/session/go?target=signing`);
    expect(after.headers.get('location')).toBe('/sign/status');
  });

  it('a callback before the user was sent to sign leaves the signing page on offer', async () => {
    const { browser } = await identifiedAtItsme();
    await browser.send(`${BASE}/callback`);
    await browser.send(`${BASE}/callback`); // a reload of the return page
    const view = await browser.view();
    expect(view.next.action).toBe('redirect');
  });

  it('go refuses other targets and needs the session cookie', async () => {
    const { browser } = await identifiedAtItsme();
    expect((await browser.send(`${BASE}/session/go?target=identification`)).status).toBe(400);
    expect((await new WebBrowser(itsme.handler).send(`${BASE}/session/go?target=signing`)).status).toBe(404);
  });
});
