/**
 * Callbacks bound to their phase (against the sandbox over mutual TLS): a repeated, parallel, HEAD or
 * prefetched callback never marks the signing step as done before the user has been sent there, and the
 * signing page stays on offer until then.
 */
import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../contract/index.js';
import { createItsmeSign, type ItsmeSign } from '../itsme-sign.js';
import { COOKIE_SECRET, REDIRECT_URL, startTestSandbox, urlOf } from '../test-support/sandbox.js';

const ORIGIN = 'https://app.example';
const BASE = '/api/itsme';
let sandbox: Sandbox;
let itsme: ItsmeSign;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  itsme = createItsmeSign({
    basePath: BASE,
    client: sandbox.clientOptions(),
    redirectUrl: REDIRECT_URL,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    allowBrowserDigests: true, // hash mode from the browser (opt-in)
    pollIntervalMs: 20,
    completeInBackground: false,
  });
});
afterAll(async () => {
  await itsme?.close();
  await sandbox?.close();
});

async function send(cookie: string | undefined, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  const res = await itsme.handler.handle(new Request(new URL(path, ORIGIN), { ...init, headers }));
  if (!res) throw new Error(`not a route: ${path}`);
  return res;
}

/** A session identified at itsme® (the user has not come back yet), and the browser's cookie. */
async function identifiedAtItsme(): Promise<{ cookie: string; view: SessionView }> {
  const created = await send(undefined, `${BASE}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ digest: createHash('sha256').update(String(Math.random())).digest('base64') }),
  });
  const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const view = (await created.json()) as SessionView;
  await sandbox.control.identify({ url: urlOf(view.next) });
  return { cookie, view };
}

const viewOf = async (cookie: string) =>
  (await (await send(cookie, `${BASE}/session`)).json()) as SessionView;

describe('callbacks bound to their phase', () => {
  it('30 parallel callbacks at identification: the signing page is still offered, through the go route', async () => {
    const { cookie } = await identifiedAtItsme();
    const answers = await Promise.all(Array.from({ length: 30 }, () => send(cookie, `${BASE}/callback`)));
    expect(answers.every((r) => r.status === 303)).toBe(true);
    const view = await viewOf(cookie);
    expect(view).toMatchObject({ status: 'signing', step: 'confirm' });
    expect(view.next).toMatchObject({ action: 'redirect', target: 'signing' });
    expect((view.next as { via: string }).via).toMatch(
      new RegExp(`^${BASE}/session/go\\?target=signing&s=[\\w-]{12}$`),
    );
    const session = await itsme.orchestrator.get(view.id);
    expect(session?.status === 'signing' && session.signing).toMatchObject({ returned: false });
  });

  it('HEAD and prefetched callbacks change nothing', async () => {
    const { cookie, view } = await identifiedAtItsme();
    const before = (await itsme.orchestrator.get(view.id))?.version;
    expect((await send(cookie, `${BASE}/callback`, { method: 'HEAD' })).status).toBe(303);
    expect((await send(cookie, `${BASE}/callback`, { headers: { 'sec-purpose': 'prefetch' } })).status).toBe(
      303,
    );
    expect((await itsme.orchestrator.get(view.id))?.version).toBe(before);
  });

  it('go records that the user was sent and redirects to itsme®; then the callback is their return', async () => {
    const { cookie } = await identifiedAtItsme();
    await send(cookie, `${BASE}/callback`);
    const signing = await viewOf(cookie);
    const go = await send(cookie, (signing.next as { via: string }).via);
    expect(go.status).toBe(303);
    expect(go.headers.get('location')).toBe(urlOf(signing.next));
    await sandbox.control.sign({ url: urlOf(signing.next) });
    await send(cookie, `${BASE}/callback`);
    expect((await viewOf(cookie)).status).toBe('signed');
    // Signed: the go route sends the browser back to the app's page.
    const after = await send(cookie, `${BASE}/session/go?target=signing`);
    expect(after.headers.get('location')).toBe('/sign/status');
  });

  it('a callback before the user was sent to sign leaves the signing page on offer', async () => {
    const { cookie } = await identifiedAtItsme();
    await send(cookie, `${BASE}/callback`);
    await send(cookie, `${BASE}/callback`); // a reload of the return page
    const view = await viewOf(cookie);
    expect(view.next.action).toBe('redirect');
  });

  it('go refuses other targets and needs the session cookie', async () => {
    const { cookie } = await identifiedAtItsme();
    expect((await send(cookie, `${BASE}/session/go?target=identification`)).status).toBe(400);
    expect((await send(undefined, `${BASE}/session/go?target=signing`)).status).toBe(404);
  });
});
