/**
 * Security: each refusal its own test. Mutual TLS both ways (wrong, missing or unregistered client
 * certificate; a server certificate from another CA), a signature value that does not match the certificate,
 * a signer certificate from an untrusted CA, cookie swap, and replay of finished sessions.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAdesSigner } from '@itsme-sign/ades';
import {
  createB2BClient,
  createItsmeSignHandler,
  type ItsmeSignConfig,
  type ItsmeSignError,
  type ItsmeSignHandler,
  isItsmeSignError,
  type SessionView,
} from '@itsme-sign/core';
import { createTestPki, type TestPki } from '@itsme-sign/test-support/pki';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, DirectBrowser, signDirect, startSession } from './support/direct-browser.js';
import { BASE } from './support/flow.js';
import { clientOptions, startTestSandbox } from './support/sandbox.js';
import { summary } from './support/summary.js';
import { TamperingClient } from './support/tampering-client.js';

let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let other: TestPki;
const handlers: ItsmeSignHandler[] = [];
const digest = createHash('sha256').update('security: contract').digest('base64');
const refused: string[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sandbox.addRedirectUrl(`${APP}${BASE}/callback`);
  other = createTestPki();
});
afterAll(async () => {
  await Promise.all(handlers.map((h) => h.close()));
  await sandbox?.close();
  summary('security', { refusals: refused.length, cases: refused.join(',') });
});

function handler(extra: Partial<ItsmeSignConfig> = {}): ItsmeSignHandler {
  const h = createItsmeSignHandler({
    basePath: BASE,
    statusPageUrl: '/sign/status',
    cookie: { secrets: ['security-secret-0123456789-abcdefghijkl'] },
    allowBrowserDigests: true,
    redirectUrl: `${APP}${BASE}/callback`,
    client: { ...clientOptions(sandbox), timeoutMs: 5_000 },
    pollIntervalMs: 50,
    ...extra,
  });
  handlers.push(h);
  return h;
}

/** The error a promise rejects with. */
async function errorOf(p: Promise<unknown>): Promise<ItsmeSignError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isItsmeSignError(e)) throw new Error(`expected an ItsmeSignError, got ${String(e)}`);
  return e;
}

/** How core reports a TLS refusal by the server today (TLS_ERROR is the intended code). */
const TLS_REFUSAL = ['TLS_ERROR', 'UPSTREAM_UNAVAILABLE'];

const startIdentification = (client: ReturnType<typeof createB2BClient>) =>
  client.startIdentification({ lang: 'EN', redirectUrl: `${APP}${BASE}/callback` });

describe('mutual TLS', () => {
  it('a client certificate from another CA is refused by the service (TLS)', async () => {
    const before = sandbox.stats().calls.identification ?? 0;
    const client = createB2BClient({
      ...clientOptions(sandbox),
      credentials: { cert: other.clientCert, key: other.clientKey },
    });
    try {
      const e = await errorOf(startIdentification(client));
      // TLS 1.3 checks the client certificate after the client's handshake is done: undici sees the server
      // close the connection ("other side closed") rather than the alert (see the README, known limits).
      expect(TLS_REFUSAL).toContain(e.code);
      expect(e.message).not.toMatch(/PRIVATE KEY/);
    } finally {
      await client.close();
    }
    // Refused by TLS: the request never reached the service's HTTP layer.
    expect(sandbox.stats().calls.identification ?? 0).toBe(before);
    refused.push('foreign-client-cert');
  });

  it('no client certificate at all is refused by the service (TLS)', async () => {
    const before = sandbox.stats().calls.identification ?? 0;
    const dispatcher = new Agent({ connect: { ca: sandbox.credentials.caCertPem } });
    const client = createB2BClient({
      baseUrl: sandbox.b2bUrl,
      partnerCode: sandbox.partner.partnerCode,
      serviceCode: sandbox.partner.serviceCode,
      dispatcher,
    });
    try {
      expect(TLS_REFUSAL).toContain((await errorOf(startIdentification(client))).code);
    } finally {
      await client.close();
      await dispatcher.close();
    }
    expect(sandbox.stats().calls.identification ?? 0).toBe(before);
    refused.push('no-client-cert');
  });

  it('a client certificate of the right CA that no partner registered is refused (403)', async () => {
    // Issued by the sandbox root (so TLS accepts it), but not the partner's certificate.
    const dir = dirname(sandbox.credentials.files.rootCa);
    writeFileSync(join(dir, 'stranger.ext'), 'extendedKeyUsage=clientAuth\n');
    const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=stranger',
      '-keyout',
      'stranger.key',
      '-out',
      'stranger.csr',
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      'stranger.csr',
      '-CA',
      'root-ca.pem',
      '-CAkey',
      'root-ca.key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      'stranger.pem',
      '-extfile',
      'stranger.ext',
    ]);
    const before = sandbox.stats().identificationSessionsStarted;
    const client = createB2BClient({
      ...clientOptions(sandbox),
      credentials: {
        cert: readFileSync(join(dir, 'stranger.pem')),
        key: readFileSync(join(dir, 'stranger.key')),
      },
    });
    try {
      const e = await errorOf(startIdentification(client));
      expect(e.httpStatus).toBe(403);
      expect(e.reason).toBe('UNKNOWN_CLIENT_CERTIFICATE');
    } finally {
      await client.close();
    }
    expect(sandbox.stats().identificationSessionsStarted).toBe(before);
    refused.push('unregistered-client-cert');
  });

  it('a server certificate that does not chain to the configured CA is refused by the client (TLS_ERROR)', async () => {
    const before = sandbox.stats().calls.identification ?? 0;
    const client = createB2BClient({ ...clientOptions(sandbox), ca: other.caCert });
    try {
      expect((await errorOf(startIdentification(client))).code).toBe('TLS_ERROR');
    } finally {
      await client.close();
    }
    // Through the handler: the browser gets a typed 502, no cookie, nothing reached the service.
    const h = handler({ client: { ...clientOptions(sandbox), ca: other.caCert }, useDiscovery: false });
    const res = await new DirectBrowser(h).fetch(`${BASE}/sessions`, {
      method: 'POST',
      body: JSON.stringify({ digest }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TLS_ERROR');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(sandbox.stats().calls.identification ?? 0).toBe(before);
    refused.push('foreign-server-cert');
  });
});

describe('signature and certificate checks', () => {
  it('a signature value that does not match the certificate ends the session failed (SIGNATURE_INVALID), no result', async () => {
    const client = new TamperingClient(clientOptions(sandbox));
    const h = handler({ client });
    try {
      const browser = new DirectBrowser(h);
      const end = await signDirect(browser, sandbox, { digest });
      expect(client.tampered).toBe(1);
      expect(end).toMatchObject({
        status: 'failed',
        error: { code: 'SIGNATURE_INVALID' },
        next: { action: 'restart' },
      });
      const result = await browser.fetch(`${BASE}/session/result`);
      expect(result.status).toBe(409);
      const body = await result.text();
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'NOT_SIGNED_YET' } });
      // Asking again does not fetch the value anew and sign after all.
      expect((await browser.view()).status).toBe('failed');
    } finally {
      await client.close();
    }
    refused.push('signature-mismatch');
  });

  it('a signer certificate from a CA the app does not trust ends the session failed (CERTIFICATE_UNTRUSTED) before signing', async () => {
    const documents = (trustAnchors: string[]) => ({
      documentSigner: createAdesSigner({ trustAnchors }),
      resolveDocument: async () => ({
        name: 'terms.txt',
        contentType: 'text/plain',
        data: new TextEncoder().encode('General terms, version 3.'),
      }),
    });
    // Control: with the sandbox root as trust anchor, the same flow reaches the signing step.
    const trusting = new DirectBrowser(handler({ documents: documents([sandbox.credentials.rootCaPem]) }));
    const ok = await startSession(trusting, { documentId: 'terms' });
    await sandbox.control.identify({ url: (ok.next as { url: string }).url });
    await trusting.fetch(`${BASE}/callback`);
    expect((await trusting.view()).status).toBe('signing');

    const before = sandbox.stats().signSessionsStarted;
    const browser = new DirectBrowser(handler({ documents: documents([other.caCert]) }));
    const started = await startSession(browser, { documentId: 'terms' });
    await sandbox.control.identify({ url: (started.next as { url: string }).url });
    await browser.fetch(`${BASE}/callback`);
    expect(await browser.view()).toMatchObject({
      status: 'failed',
      error: { code: 'CERTIFICATE_UNTRUSTED' },
    });
    // Nothing was sent to be signed.
    expect(sandbox.stats().signSessionsStarted).toBe(before);
    expect((await browser.fetch(`${BASE}/session/result`)).status).toBe(409);
    refused.push('untrusted-signer-ca');
  });
});

describe('cookies', () => {
  it("cookie swap: a callback with another browser's cookie advances only that browser's own session", async () => {
    const h = handler();
    const victim = new DirectBrowser(h);
    const attacker = new DirectBrowser(h);
    const v = await startSession(victim, { digest });
    const a = await startSession(attacker, { digest });
    // The victim identifies at itsme®; the attacker's browser comes back to the callback first.
    await sandbox.control.identify({ url: (v.next as { url: string }).url });
    await attacker.fetch(`${BASE}/callback`);
    const attackerView = await attacker.view();
    expect(attackerView.id).toBe(a.id);
    expect(attackerView.status).toBe('identifying');
    expect(attackerView.signer).toBeUndefined();
    // The victim's session was not touched by the attacker's request (read from the store, not advanced)…
    const untouched = await h.orchestrator.get(v.id);
    expect(untouched).toMatchObject({
      status: 'identifying',
      version: v.version,
      identification: { returned: false },
    });
    // …and carries on normally with the victim's own cookie.
    await victim.fetch(`${BASE}/callback`);
    expect((await victim.view()).status).toBe('signing');
    expect((await attacker.view()).signer).toBeUndefined();
    refused.push('cookie-swap');
  });

  it("cookie swap with app users: another user's cookie opens nothing and changes nothing", async () => {
    const h = handler({ authorize: (request) => request.headers.get('x-user') ?? false });
    const alice = new DirectBrowser(h);
    const asAlice = { headers: { 'x-user': 'alice' } };
    const res = await alice.fetch(`${BASE}/sessions`, {
      method: 'POST',
      body: JSON.stringify({ digest }),
      ...asAlice,
    });
    expect(res.status).toBe(201);
    const started = (await res.json()) as SessionView;
    // Mallory got hold of Alice's cookie and uses it while logged in as herself.
    const mallory = new DirectBrowser(h);
    mallory.cookie = alice.cookie;
    const asMallory = { headers: { 'x-user': 'mallory' } };
    expect((await mallory.fetch(`${BASE}/session`, asMallory)).status).toBe(404);
    expect((await mallory.fetch(`${BASE}/session/result`, asMallory)).status).toBe(404);
    expect((await mallory.fetch(`${BASE}/session`, { method: 'DELETE', ...asMallory })).status).toBe(404);
    await sandbox.control.identify({ url: (started.next as { url: string }).url });
    const cb = await mallory.fetch(`${BASE}/callback`, asMallory);
    expect(cb.headers.get('location')).toContain('error=SESSION_NOT_FOUND');
    expect(await h.orchestrator.get(started.id)).toMatchObject({
      status: 'identifying',
      version: started.version,
      identification: { returned: false },
    });
    // Alice herself carries on.
    await alice.fetch(`${BASE}/callback`, asAlice);
    expect(((await (await alice.fetch(`${BASE}/session`, asAlice)).json()) as SessionView).status).toBe(
      'signing',
    );
    refused.push('cookie-swap-users');
  });

  it('cookie tossing: a session cookie planted by a sibling subdomain is never taken for the victim', async () => {
    // Served over https at app.example (behind a proxy): the cookie is __Secure-itsme_sign (basePath scoped).
    const h = handler({ publicOrigin: 'https://app.example' });
    const attacker = new DirectBrowser(h);
    const victim = new DirectBrowser(h);
    const a = await startSession(attacker, { digest });
    const v = await startSession(victim, { digest });
    expect(victim.cookie).toMatch(/^__Secure-itsme_sign=/);
    const [, attackerValue] = attacker.cookie.split('=');
    const own = victim.cookie;
    // An unprefixed cookie of the attacker's session (any sibling can set that name): ignored.
    victim.cookie = `itsme_sign=${attackerValue}; ${own}`;
    expect((await victim.view()).id).toBe(v.id);
    // The same prefixed name with Domain=app.example and a longer path, sent first: neither is taken.
    victim.cookie = `__Secure-itsme_sign=${attackerValue}; ${own}`;
    await sandbox.control.identify({ url: (a.next as { url: string }).url });
    const back = await victim.fetch(`${BASE}/callback`);
    expect(back.headers.get('location')).toContain('error=FORBIDDEN');
    expect((await victim.fetch(`${BASE}/session`)).status).toBe(403);
    expect((await victim.fetch(`${BASE}/session/result`)).status).toBe(403);
    expect(await h.orchestrator.get(a.id)).toMatchObject({
      version: a.version,
      identification: { returned: false },
    });
    expect(await h.orchestrator.get(v.id)).toMatchObject({ version: v.version });
    // Without the planted cookie, the victim's own session carries on.
    victim.cookie = own;
    expect((await victim.view()).id).toBe(v.id);
    refused.push('cookie-tossing');
  });

  it('replay: the cookie of a cancelled session cannot restart or advance it', async () => {
    const h = handler();
    const browser = new DirectBrowser(h);
    const started = await startSession(browser, { digest });
    const cancelled = (await (
      await browser.fetch(`${BASE}/session`, { method: 'DELETE' })
    ).json()) as SessionView;
    expect(cancelled.status).toBe('cancelled');
    const before = sandbox.stats();
    // The user still approves at itsme® and comes back, several times.
    await sandbox.control.identify({ url: (started.next as { url: string }).url });
    for (let i = 0; i < 3; i++) expect((await browser.fetch(`${BASE}/callback`)).status).toBe(303);
    expect((await browser.fetch(`${BASE}/session`, { method: 'DELETE' })).status).toBe(200);
    const after = await browser.view();
    expect(after).toMatchObject({
      status: 'cancelled',
      version: cancelled.version,
      next: { action: 'restart' },
    });
    expect(sandbox.stats().signSessionsStarted).toBe(before.signSessionsStarted);
    expect(sandbox.stats().calls.identificationStatus ?? 0).toBe(before.calls.identificationStatus ?? 0);
    expect((await browser.fetch(`${BASE}/session/result`)).status).toBe(409);
    refused.push('replay-cancelled');
  });

  it('replay: a callback replayed after "signed" changes nothing', async () => {
    const h = handler();
    const browser = new DirectBrowser(h);
    const signed = await signDirect(browser, sandbox, { digest });
    expect(signed.status).toBe('signed');
    const first = await (await browser.fetch(`${BASE}/session/result`)).text();
    const before = sandbox.stats();
    for (let i = 0; i < 3; i++) expect((await browser.fetch(`${BASE}/callback`)).status).toBe(303);
    expect((await browser.fetch(`${BASE}/session`, { method: 'DELETE' })).status).toBe(200);
    expect(await browser.view()).toMatchObject({ status: 'signed', version: signed.version });
    expect(await (await browser.fetch(`${BASE}/session/result`)).text()).toBe(first);
    const after = sandbox.stats();
    expect(after.signSessionsStarted).toBe(before.signSessionsStarted);
    expect(after.signaturesProduced).toBe(before.signaturesProduced);
    expect(after.calls.signStatus ?? 0).toBe(before.calls.signStatus ?? 0);
    refused.push('replay-signed');
  });

  it("replay: an old session's cookie stays bound to that session after the browser starts a new one", async () => {
    const h = handler();
    const browser = new DirectBrowser(h);
    const old = await startSession(browser, { digest });
    const oldCookie = browser.cookie;
    await browser.fetch(`${BASE}/session`, { method: 'DELETE' });
    const fresh = await startSession(browser, { digest });
    expect(fresh.id).not.toBe(old.id);
    const replayer = new DirectBrowser(h);
    replayer.cookie = oldCookie;
    expect(await replayer.view()).toMatchObject({ id: old.id, status: 'cancelled' });
    expect((await browser.view()).id).toBe(fresh.id);
    refused.push('replay-old-cookie');
  });
});
