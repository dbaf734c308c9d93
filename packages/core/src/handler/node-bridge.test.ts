import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SigningOrchestrator } from '../session/orchestrator.js';
import { createSession, type SigningSession } from '../session/state.js';
import { createWebHandler } from './handler.js';
import type { HandlerSettings, ItsmeSignHandler } from './handler-types.js';
import { answerNode, type NodeRequestLike, nodeRequest, toWebRequest } from './node-bridge.js';

const BASE = '/api/itsme';
const SECRET = 'node-bridge-test-secret-0123456789abcdef';

const sessionAt = (version: number): SigningSession =>
  Object.freeze({
    ...createSession({
      id: 'nodeBridgeSession01',
      subject: { mode: 'hash', documents: [{ id: 'doc', digest: 'x'.repeat(44), name: 'Contract' }] },
      options: { lang: 'EN' },
      now: 1_800_000_000_000,
      ttlMs: 60_000,
    }),
    version,
  });

/** A handler over one stored session (`current`), as a frozen memory-store session. */
function handlerOf(settings: Partial<HandlerSettings> = {}) {
  const store = { current: sessionAt(1) };
  const orchestrator = {
    get: async (id: string) => (id === store.current.id ? store.current : undefined),
    advance: async (id: string) => (id === store.current.id ? store.current : undefined),
    retentionMs: () => 60_000,
    hasDocumentMode: false,
  } as unknown as SigningOrchestrator;
  const handler = createWebHandler({
    basePath: BASE,
    statusPageUrl: '/status',
    cookie: { secrets: [SECRET] },
    orchestrator,
    ...settings,
  });
  const cookie = handler
    .sessionCookie(store.current, new Request('http://127.0.0.1/'))
    .split(';')[0] as string;
  return { handler, store, cookie };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A Node server answering with `handler` through the bridge; `made`: the Web requests it had to build. */
async function serve(handler: ItsmeSignHandler, before?: (req: IncomingMessage) => void) {
  const made: Request[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    before?.(req);
    const request = nodeRequest(req, res, (r) => made.push(r));
    void answerNode(handler, request, res).then((answered) => {
      if (!answered) res.writeHead(404).end('not ours');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** A request whose path is sent as it is (fetch would normalise it). */
  const raw = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpRequest(`${origin}${path}`, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
  return { made, origin, raw };
}

describe('the Node bridge (nodeRequest + answerNode)', () => {
  it('answers a status poll as handle does, without building a Web Request', async () => {
    const { handler, cookie } = handlerOf();
    const { made, origin } = await serve(handler);
    const viaNode = await fetch(`${origin}${BASE}/session`, { headers: { cookie } });
    const viaWeb = (await handler.handle(
      new Request(`${origin}${BASE}/session`, { headers: { cookie } }),
    )) as Response;
    expect(viaNode.status).toBe(200);
    expect(await viaNode.text()).toBe(await viaWeb.text());
    for (const name of ['content-type', 'cache-control', 'content-length'])
      expect(viaNode.headers.get(name)).toBe(viaWeb.headers.get(name));
    const head = await fetch(`${origin}${BASE}/session`, { method: 'HEAD', headers: { cookie } });
    expect(head.status).toBe(200);
    const refused = await fetch(`${origin}${BASE}/session`, { headers: { cookie: `${cookie}x` } });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SESSION_NOT_FOUND');
    expect(made).toHaveLength(0);
  });

  it('a new version of the session is answered anew (views are kept per stored session)', async () => {
    const { handler, store, cookie } = handlerOf();
    const { origin } = await serve(handler);
    const poll = async () =>
      (
        (await (await fetch(`${origin}${BASE}/session`, { headers: { cookie } })).json()) as {
          version: number;
        }
      ).version;
    expect(await poll()).toBe(1);
    expect(await poll()).toBe(1);
    store.current = sessionAt(2);
    expect(await poll()).toBe(2);
  });

  it('hooks get the Web Request, made once, with the URL and headers of the Node request', async () => {
    const seen: Request[] = [];
    const { handler, cookie } = handlerOf({
      authorize: (request) => {
        seen.push(request);
        return undefined;
      },
    });
    const { made, origin } = await serve(handler);
    expect((await fetch(`${origin}${BASE}/session?wait=0`, { headers: { cookie } })).status).toBe(200);
    expect(made).toHaveLength(1);
    expect(seen[0]).toBe(made[0]);
    expect(seen[0]).toBeInstanceOf(Request);
    expect(seen[0]?.url).toBe(`${origin}${BASE}/session?wait=0`);
    expect(seen[0]?.headers.get('cookie')).toBe(cookie);
  });

  it('reads a path that needs normalising as URL does', async () => {
    const { handler, cookie } = handlerOf();
    const { raw } = await serve(handler);
    expect((await raw(`${BASE}/./session`, { cookie })).status).toBe(200);
    expect((await raw(`${BASE}/x/../session?wait=0`, { cookie })).status).toBe(200);
    expect(await raw(`${BASE}/%73ession`, { cookie })).toEqual({ status: 404, body: 'not ours' });
  });

  it('a handler of the app’s own (no answer entry) is answered through handle', async () => {
    const { handler, cookie } = handlerOf();
    const own: ItsmeSignHandler = {
      handle: (request, options) => handler.handle(request, options),
      orchestrator: handler.orchestrator,
      basePath: handler.basePath,
      sessionCookie: handler.sessionCookie,
      close: handler.close,
    };
    const { made, origin } = await serve(own);
    const res = await fetch(`${origin}${BASE}/session`, { headers: { cookie } });
    expect(((await res.json()) as { id: string }).id).toBe('nodeBridgeSession01');
    expect(made).toHaveLength(1);
  });
});

describe('nodeRequest', () => {
  const req = (over: Partial<NodeRequestLike> & { headers?: Record<string, string | string[]> }) =>
    ({
      method: 'GET',
      url: '/p?q=1',
      socket: {},
      ...over,
      headers: { host: 'app.example', ...over.headers },
    }) as unknown as NodeRequestLike;
  const res = {} as ServerResponse;

  it('fails where toWebRequest fails: a Host that makes no URL, or one with credentials', () => {
    for (const host of ['1.2.3.4.5', 'a:99999', 'user@app.example', 'a b']) {
      expect(() => toWebRequest(req({ headers: { host } }), res)).toThrow();
      expect(() => nodeRequest(req({ headers: { host } }), res)).toThrow();
    }
    // A Host with a path makes a URL: the Web Request's, as before.
    const odd = nodeRequest(req({ headers: { host: 'app.example/x' } }), res);
    expect(odd).toBeInstanceOf(Request);
    expect(odd.url).toBe('http://app.example/x/p?q=1');
  });

  it('builds the Web Request at once for a request with a body, or a URL out of the ordinary', () => {
    expect(nodeRequest(req({ method: 'POST' }), res)).toBeInstanceOf(Request);
    expect(nodeRequest(req({ url: 'http://other.example/p' }), res)).toBeInstanceOf(Request);
    expect(nodeRequest(req({ protocol: 'ftp' }), res)).toBeInstanceOf(Request);
    const deferred = nodeRequest(req({ protocol: 'https', headers: { host: '[::1]:8443' } }), res);
    expect(deferred).not.toBeInstanceOf(Request);
    expect(deferred.url).toBe('https://[::1]:8443/p?q=1');
  });

  it('reads headers as a Web Headers does', () => {
    const headers = { cookie: ' a=b; c=d\t', 'x-many': ['1', '2'], 'x-empty': '', accept: 'text/html' };
    const node = nodeRequest(req({ headers }), res);
    const web = toWebRequest(req({ headers }), res);
    for (const name of ['cookie', 'Cookie', 'x-many', 'x-empty', 'accept', 'origin'])
      expect(node.headers.get(name)).toBe(web.headers.get(name));
  });
});

describe('the light request against the Web one (review findings)', () => {
  it('a header a Web Request refuses: 400 INVALID_REQUEST where a hook needs the request, never a crash', async () => {
    const errors: unknown[] = [];
    const { handler, cookie } = handlerOf({
      authorize: async () => 'owner-1',
      onError: (error, request) => errors.push([error, request.url]),
    });
    // A middleware before ours wrote a value no Web Headers takes (a character above U+00FF).
    const { raw } = await serve(handler, (req) => {
      req.headers['x-name'] = 'Жуков';
    });
    const answer = await raw(`${BASE}/session`, { cookie });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'headers' });
    expect(errors).toEqual([]);
  });

  it('a loopback Host spelled otherwise (127.1) reads the same cookie as the Web Request would', async () => {
    const { handler, cookie } = handlerOf();
    const { raw } = await serve(handler);
    for (const host of ['127.1', '0x7f.1', '2130706433']) {
      const answer = await raw(`${BASE}/session`, { cookie, host });
      expect(answer.status, host).toBe(200);
    }
    const fake = { method: 'GET', url: '/p', headers: { host: '127.1:80' }, socket: {} } as NodeRequestLike;
    expect(nodeRequest(fake, {} as ServerResponse).url).toBe('http://127.0.0.1/p');
  });

  it('a mount spelled with other letter cases is not ours (no INVALID_CONFIG, no onError)', async () => {
    const errors: unknown[] = [];
    const { handler } = handlerOf({ onError: (e) => errors.push(e) });
    const request = new Request('http://127.0.0.1/API/ITSME/session');
    expect(await handler.handle(request, { path: '/session', mountPath: '/API/ITSME' })).toBeUndefined();
    expect(errors).toEqual([]);
    const wrong = await handler.handle(request, { path: '/session', mountPath: '/elsewhere' });
    expect(wrong?.status).toBe(500);
    expect(errors).toHaveLength(1);
  });
});
