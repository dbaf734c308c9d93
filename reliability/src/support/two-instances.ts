/**
 * Two instances of an app (Express + @itsme-sign/express, i.e. core's `createItsmeSign`) behind "one load
 * balancer", each with its own store client on a shared Redis deployment (cluster, sentinel), and a browser
 * whose every request goes to the next instance. A `503 STORE_UNAVAILABLE` (retryable, what a page shows
 * while Redis fails over) is asked again, as the status page would; every answer that is not 2xx/3xx is
 * kept for the test to judge.
 */
import type { AddressInfo } from 'node:net';
import type { SessionStore, SignatureRecord } from '@itsme-sign/core';
import { itsmeSign } from '@itsme-sign/express';
import { TestBrowser } from '@itsme-sign/test-support/http-browser';
import express from 'express';
import { BASE } from './flow.js';
import { clientOptions, type startTestSandbox } from './sandbox.js';

const SECRET = 'two-instances-secret-0123456789-abcdefgh';

export interface TwoInstances {
  /** The instances' origins; the first is the one registered at itsme® ("the load balancer"). */
  origins: [string, string];
  /** Evidence records handed to `onSigned`, by either instance. */
  records: SignatureRecord[];
  close(): Promise<void>;
}

/** Two instances, each with its own store from `makeStore` (closed by `close()`). */
export async function startTwoInstances(
  sandbox: Awaited<ReturnType<typeof startTestSandbox>>,
  makeStore: () => SessionStore,
): Promise<TwoInstances> {
  const records: SignatureRecord[] = [];
  const stores = [makeStore(), makeStore()];
  const servers = await Promise.all(
    stores.map(async () => {
      const app = express();
      const server = app.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      return { app, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );
  const redirectUrl = `${servers[0]!.url}${BASE}/callback`;
  sandbox.addRedirectUrl(redirectUrl);
  const middlewares = servers.map(({ app }, i) => {
    const middleware = itsmeSign({
      basePath: BASE,
      client: { ...clientOptions(sandbox), timeoutMs: 2_000 },
      store: stores[i] as SessionStore,
      redirectUrl,
      statusPageUrl: '/sign/status',
      cookie: { secrets: [SECRET] },
      allowBrowserDigests: true,
      rateLimit: false,
      pollIntervalMs: 200,
      onSigned: (record) => {
        records.push(record);
      },
    });
    app.use(BASE, middleware);
    app.get('/sign/status', (_req, res) => {
      res.type('text/plain').send('status page');
    });
    return middleware;
  });
  return {
    origins: [servers[0]!.url, servers[1]!.url],
    records,
    async close() {
      await Promise.allSettled(middlewares.map((m) => m.close()));
      for (const { server } of servers) server.closeAllConnections();
      await Promise.allSettled(
        servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
      await Promise.allSettled(stores.map((s) => s.close?.()));
    },
  };
}

export interface Answer {
  path: string;
  status: number;
  code?: string;
}

/** A browser behind the load balancer: each request goes to the next instance, cookies are shared. */
export class LoadBalancedBrowser extends TestBrowser {
  #turn = 0;
  /** Every answer that was not 2xx/3xx (retried ones included). */
  readonly refused: Answer[] = [];

  constructor(
    readonly origins: readonly string[],
    /** Until when a `503 STORE_UNAVAILABLE` is asked again (ms since the epoch). */
    readonly retryUntil: number,
  ) {
    super(origins[0] as string);
  }

  override async fetch(path: string, init: RequestInit & { crossSite?: boolean } = {}): Promise<Response> {
    for (;;) {
      const url = new URL(path, this.origin);
      const origin = this.origins[this.#turn++ % this.origins.length] as string;
      const one = new TestBrowser(origin);
      for (const [k, v] of this.cookies) one.cookies.set(k, v);
      const res = await one.fetch(`${url.pathname}${url.search}`, init);
      this.cookies.clear();
      for (const [k, v] of one.cookies) this.cookies.set(k, v);
      if (res.status < 400) return res;
      const body = (await res
        .clone()
        .json()
        .catch(() => undefined)) as { error?: { code?: string } } | undefined;
      const code = body?.error?.code;
      this.refused.push({ path: url.pathname, status: res.status, ...(code ? { code } : {}) });
      if (res.status !== 503 || code !== 'STORE_UNAVAILABLE' || Date.now() > this.retryUntil) return res;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
