/** A minimal browser: a cookie jar, same-origin headers on state-changing requests, manual redirects. */
import { createHash, randomBytes } from 'node:crypto';

export const BASE = '/api/itsme';

export class Browser {
  cookies = new Map();
  constructor(origin) {
    this.origin = origin;
  }

  /** Another browser tab (or the same browser talking to another instance) with the same cookies. */
  on(origin) {
    const other = new Browser(origin);
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(path, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.cookieHeader);
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      headers.set('origin', this.origin);
      headers.set('sec-fetch-site', 'same-origin');
    }
    const res = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async json(path, init = {}) {
    const res = await this.fetch(path, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  post(path, body) {
    return this.json(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }
}

/**
 * Takes a browser through the handler's routes until the session is in `signing` (the user has not confirmed
 * yet: sign status answers "pending"), or with `sign: true` until it is `signed`. Returns the session view.
 */
export async function driveSession(browser, sandbox, { sign = false } = {}) {
  const digest = createHash('sha256').update(randomBytes(32)).digest('base64');
  const started = await browser.post(`${BASE}/sessions`, { digest, lang: 'FR', signerRole: 'Gérant' });
  await sandbox.identify(started.next.url);
  const cb = await browser.fetch(`${BASE}/callback`);
  if (cb.status !== 303) throw new Error(`callback: HTTP ${cb.status}`);
  const signing = await browser.json(`${BASE}/session`);
  if (signing.status !== 'signing') throw new Error(`expected signing, got ${signing.status}`);
  if (!sign) return signing;
  await sandbox.sign(signing.next.url);
  const cb2 = await browser.fetch(`${BASE}/callback`);
  if (cb2.status !== 303) throw new Error(`callback: HTTP ${cb2.status}`);
  const signed = await browser.json(`${BASE}/session`);
  if (signed.status !== 'signed') throw new Error(`expected signed, got ${signed.status}`);
  return signed;
}
