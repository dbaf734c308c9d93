/**
 * One hash-mode signing flow driven over real HTTP against an app that mounts core's handler, with the
 * sandbox's control API as the user's phone: start → identify → callback → sign → callback → signed → result,
 * and the signature value verified against the returned certificate. Shared by the runtime adapters' tests
 * (Fastify, Nest on Fastify, Hono, Next.js) so each of them proves the same thing.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'vitest';

/** What the flow needs of the sandbox (structurally `Sandbox` from `@itsme-sign/sandbox`). */
export interface FlowSandbox {
  frontUrl: string;
  control: {
    identify(input: { url: string }): Promise<{ redirectUrl: string }>;
    sign(input: { url: string }): Promise<{ redirectUrl: string }>;
  };
}

/** Binds port 0, reads the port the OS gave, releases it: for apps that must know their URL before they listen. */
export async function reservePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What `sandboxEnv` reads of the sandbox (structurally `Sandbox` from `@itsme-sign/sandbox`). */
export interface EnvSandbox {
  b2bUrl: string;
  partner: { partnerCode: string; serviceCode: string };
  credentials: { clientCertPem: string; clientKeyPem: string; caCertPem: string };
}

/** The environment variables an app (and `itsme-sign doctor`) reads, pointing at a running sandbox. */
export function sandboxEnv(sandbox: EnvSandbox, redirectUrl: string) {
  return {
    ITSME_B2B_URL: sandbox.b2bUrl,
    ITSME_PARTNER_CODE: sandbox.partner.partnerCode,
    ITSME_SERVICE_CODE: sandbox.partner.serviceCode,
    ITSME_CLIENT_CERT: sandbox.credentials.clientCertPem,
    ITSME_CLIENT_KEY: sandbox.credentials.clientKeyPem,
    ITSME_CA: sandbox.credentials.caCertPem,
    ITSME_REDIRECT_URL: redirectUrl,
    ITSME_COOKIE_SECRET: 'runtime-test-secret-0123456789-abcdefgh',
  };
}

/** A browser of one origin: a cookie jar, same-origin headers on state-changing calls, manual redirects. */
export class FlowBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      headers.set('origin', this.origin);
      headers.set('sec-fetch-site', 'same-origin');
    }
    const res = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async json<T = Record<string, unknown>>(path: string, init: RequestInit = {}) {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  post(path: string, body: unknown) {
    return this.json(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }
}

interface View {
  status: string;
  next: { action: string; url?: string; resultUrl?: string };
}

/**
 * Runs the whole flow in a new browser of `origin` against the routes under `base`; `statusPage` is where the
 * callback must send the browser. Returns the browser (its cookie still names the signed session).
 */
export async function signThroughApp(options: {
  origin: string;
  base: string;
  statusPage: string;
  sandbox: FlowSandbox;
  data?: Buffer;
}): Promise<FlowBrowser> {
  const { origin, base, sandbox } = options;
  const data = options.data ?? Buffer.from(`data to be signed through ${origin}`);
  const digest = createHash('sha256').update(data).digest('base64');
  const browser = new FlowBrowser(origin);
  const callback = async (redirectUrl: string) => {
    expect(redirectUrl).toBe(`${origin}${base}/callback`);
    const res = await browser.fetch(redirectUrl);
    expect(res.status).toBe(303);
    // A relative Location (the browser resolves it against the URL it asked for).
    expect(new URL(res.headers.get('location') ?? '', redirectUrl).href).toBe(
      new URL(options.statusPage, origin).href,
    );
  };

  const started = await browser.post(`${base}/sessions`, { digest, lang: 'FR', signerRole: 'Gérant' });
  expect(started.status).toBe(201);
  expect(started.headers.getSetCookie()[0]).toMatch(
    new RegExp(`^itsme_sign=.+; Path=${base};.*HttpOnly`, 'i'),
  );
  const view = started.body as unknown as View;
  expect(view).toMatchObject({ status: 'identifying', next: { action: 'redirect' } });
  expect(view.next.url?.startsWith(sandbox.frontUrl)).toBe(true);

  await callback((await sandbox.control.identify({ url: view.next.url as string })).redirectUrl);
  const signing = await browser.json<View>(`${base}/session`);
  expect(signing.body).toMatchObject({ status: 'signing', next: { action: 'redirect', target: 'signing' } });

  await callback((await sandbox.control.sign({ url: signing.body.next.url as string })).redirectUrl);
  const done = await browser.json<View>(`${base}/session`);
  expect(done.body).toMatchObject({
    status: 'signed',
    next: { action: 'done', resultUrl: `${base}/session/result` },
  });

  const result = await browser.json<{ digest: string; certificate: string; signatureValue: string }>(
    `${base}/session/result`,
  );
  expect(result.status).toBe(200);
  expect(result.body.digest).toBe(digest);
  const cert = new X509Certificate(result.body.certificate);
  expect(verify('sha256', data, cert.publicKey, Buffer.from(result.body.signatureValue, 'base64'))).toBe(
    true,
  );
  return browser;
}
