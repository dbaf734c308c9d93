/** A cookie-keeping "browser" that calls a core handler directly with Web `Request`s (no HTTP server). */
import type { ItsmeSignHandler, SessionView } from '@itsme-sign/core';
import type { Sandbox } from '@itsme-sign/sandbox';
import { BASE } from './flow.js';

export const APP = 'http://127.0.0.1:8080';

export class DirectBrowser {
  cookie = '';
  constructor(readonly handler: ItsmeSignHandler) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    if (init.method && init.method !== 'GET' && init.method !== 'HEAD') {
      headers.set('origin', APP);
      headers.set('content-type', 'application/json');
    }
    const res = await this.handler.handle(new Request(new URL(path, APP), { ...init, headers }));
    if (!res) throw new Error(`not a handler route: ${path}`);
    const set = res.headers.getSetCookie()[0];
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }

  async view(): Promise<SessionView> {
    return (await (await this.fetch(`${BASE}/session`)).json()) as SessionView;
  }

  /** The cookie's value (after `name=`). */
  get cookieValue(): string {
    return this.cookie.slice(this.cookie.indexOf('=') + 1);
  }
}

/** Starts a session; returns its view. */
export async function startSession(
  browser: DirectBrowser,
  body: Record<string, unknown>,
): Promise<SessionView> {
  const res = await browser.fetch(`${BASE}/sessions`, { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`start answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as SessionView;
}

/** Runs a whole flow to `signed` through the handler and the sandbox's phone. */
export async function signDirect(
  browser: DirectBrowser,
  sandbox: Pick<Sandbox, 'control'>,
  body: Record<string, unknown>,
): Promise<SessionView> {
  const started = await startSession(browser, body);
  await sandbox.control.identify({ url: (started.next as { url: string }).url });
  await browser.fetch(`${BASE}/callback`);
  const signing = await browser.view();
  if (signing.next.action !== 'redirect') throw new Error(`not signing: ${JSON.stringify(signing)}`);
  await sandbox.control.sign({ url: signing.next.url });
  await browser.fetch(`${BASE}/callback`);
  return browser.view();
}
