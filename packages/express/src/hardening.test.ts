/**
 * Whatever the input, an answer of the middleware on its routes is JSON without a stack (never Express's
 * HTML error page): a malformed Host, credentials in the Host, bodies that are not what they claim.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, itsmeSign } from './index.js';
import { BASE, startApp, type TestApp } from './test-support/app.js';

let sandbox: Sandbox;
let app: TestApp;
const errors: unknown[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-express-hardening-')) });
  app = await startApp(sandbox, { onError: (e) => errors.push(e) });
});
afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

/** Sends one raw HTTP/1.1 request (any Host, any bytes) and reads the answer until the server closes. */
function raw(
  head: string,
  body: Buffer = Buffer.alloc(0),
  url = app.url,
): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`${head}\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n`);
      socket.write(body); // not end(): a half-closed socket can lose the answer to a body the server stops reading
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headers = '', rest = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1]), headers, body: rest });
    });
  });
}

const json = (extra = '') => `content-type: application/json${extra}`;

/** Checks an answer is one of ours: a 4xx JSON error with its code's status, no stack, no HTML. */
function expectJsonError(res: { status: number; headers: string; body: string }): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers).toMatch(/content-type: application\/json/i);
  const error = (JSON.parse(res.body) as { error: { code: keyof typeof ERROR_CODES } }).error;
  expect(ERROR_CODES[error.code].status).toBe(res.status);
  expect(res.body).not.toMatch(/\bat .*:\d+|stack|<html/i);
}

describe('Express: every error answer is JSON without a stack', () => {
  it.each([
    ['a Host with a space', `POST ${BASE}/sessions HTTP/1.1\r\nhost: exa mple\r\n${json()}`, '{}'],
    ['a Host with credentials', `GET ${BASE}/session HTTP/1.1\r\nhost: user:pw@app.example`, ''],
    ['an unclosed IPv6 Host', `GET ${BASE}/callback HTTP/1.1\r\nhost: [::1`, ''],
    ['a Host with a path', `GET ${BASE}/session HTTP/1.1\r\nhost: app.example/x?y`, ''],
    [
      'gzip that is not gzip',
      `POST ${BASE}/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\n${json('\r\ncontent-encoding: gzip')}`,
      'not gzip',
    ],
    [
      'invalid UTF-8 JSON',
      `POST ${BASE}/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\n${json()}`,
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    ],
    [
      'a body over the limit',
      `POST ${BASE}/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\n${json()}`,
      'x'.repeat(200_000),
    ],
    [
      'JSON of the wrong shape',
      `POST ${BASE}/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\n${json()}`,
      '[1,2,{"__proto__":1}]',
    ],
  ])('%s', async (_name, head, body) => {
    expectJsonError(await raw(head, Buffer.isBuffer(body) ? body : Buffer.from(body)));
  });

  it('a malformed Host outside our routes is left to the app', async () => {
    const res = await raw('GET /elsewhere HTTP/1.1\r\nhost: exa mple');
    expect(res.status).toBe(404); // Express's own "Cannot GET", not ours
    expect(errors).toEqual([]);
  });

  it("errors of the app's body parser on our routes: JSON through middleware.errors", async () => {
    const parsedFirst = express();
    parsedFirst.use(express.json({ limit: '1kb' }));
    const mw = itsmeSign(app.middleware.handler);
    parsedFirst.use(BASE, mw, mw.errors);
    parsedFirst.use((_req: unknown, res: express.Response) => res.status(418).send('app'));
    const server = parsedFirst.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = (extra: string, body: string) =>
        raw(`POST ${BASE}/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\n${json(extra)}`, Buffer.from(body), url);
      expectJsonError(await post('', '{"digest": '));
      expectJsonError(await post('', `{"digest":"${'x'.repeat(5_000)}"}`));
      expectJsonError(await post('\r\ncontent-encoding: gzip', 'not gzip'));
      expectJsonError(await post('; charset=klingon', '{}'));
      // Elsewhere the app's own error handling stays in charge.
      const elsewhere = await raw(
        'POST /other HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json',
        Buffer.from('{'),
        url,
      );
      expect(elsewhere.headers).not.toMatch(/content-type: application\/json/i);
      expect(errors).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('Express: the client address for rate limits', () => {
  it("clientAddress(request) is Express's req.ip (trust proxy honoured): a per-client limit per address", async () => {
    const proxied = express();
    proxied.set('trust proxy', 'loopback'); // the proxy in front of the app runs on this machine
    const mw = itsmeSign({
      basePath: BASE,
      orchestrator: app.middleware.handler.orchestrator,
      statusPageUrl: '/sign/status',
      cookie: { secrets: ['another-secret-0123456789-abcdefghijkl'] },
      allowBrowserDigests: true,
      rateLimit: {
        perClient: { max: 2, windowMs: 60_000 },
        clientKey: (request, owner) => owner ?? clientAddress(request),
      },
    });
    proxied.use(BASE, mw);
    const server = proxied.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sandbox.addRedirectUrl(`${url}${BASE}/callback`);
    try {
      const start = async (from: string) =>
        (
          await fetch(`${url}${BASE}/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
            body: JSON.stringify({ digest: createHash('sha256').update('x').digest('base64') }),
          })
        ).status;
      expect([await start('203.0.113.1'), await start('203.0.113.1'), await start('203.0.113.1')]).toEqual([
        201, 201, 429,
      ]);
      expect(await start('203.0.113.2')).toBe(201);
      // IPv6: one subscriber's /64 is one client.
      expect([
        await start('2001:db8:1:2::a'),
        await start('2001:db8:1:2::b'),
        await start('2001:db8:1:2::c'),
      ]).toEqual([201, 201, 429]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
