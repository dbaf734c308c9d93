/** A minimal browser for flow tests without Chromium: a cookie jar, same-origin headers, manual redirects. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  /** Sends a request as a same-origin `fetch()` from a page of `origin` would, with the jar's cookies. */
  async fetch(path: string, init: RequestInit & { crossSite?: boolean } = {}): Promise<Response> {
    const url = new URL(path, this.origin);
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      headers.set('origin', init.crossSite ? 'https://evil.example' : this.origin);
      headers.set('sec-fetch-site', init.crossSite ? 'cross-site' : 'same-origin');
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async json<T = unknown>(
    path: string,
    init: RequestInit & { crossSite?: boolean } = {},
  ): Promise<{ status: number; body: T }> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  post(path: string, body: unknown, init: RequestInit & { crossSite?: boolean } = {}) {
    const headers = new Headers(init.headers);
    headers.set('content-type', 'application/json');
    return this.json(path, { ...init, method: 'POST', body: JSON.stringify(body), headers });
  }
}
