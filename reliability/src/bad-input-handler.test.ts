/**
 * Bad input, handler side: 10,000+ generated requests (methods, paths under the mount point, query strings,
 * cookies incl. forged signatures, Origin / Fetch Metadata, content types, bodies) straight into core's web
 * handler, which talks to a real sandbox. Every answer is a valid session view / signature result / 303, or a
 * JSON error with a known code and its documented status; nothing leaks a stack, the cookie secret or a key.
 */
import { createHash } from 'node:crypto';
import {
  createItsmeSignHandler,
  ERROR_CODES,
  errorBodySchema,
  type ItsmeSignHandler,
  ROUTES,
  sessionViewSchema,
  signatureResultSchema,
} from '@itsme-sign/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, DirectBrowser, signDirect, startSession } from './support/direct-browser.js';
import { BASE } from './support/flow.js';
import { clientOptions, startTestSandbox } from './support/sandbox.js';
import { summary } from './support/summary.js';

const NUM_RUNS = 10_000;
const SEED = Number(process.env.FC_SEED ?? 20261126);
const SECRET = 'bad-input-secret-0123456789-abcdefghij';
const digest = createHash('sha256').update('bad input').digest();
const STACK = /\bat .+[.:](?:ts|js|mjs|cjs|internal).*:\d+:\d+|node:internal|\n\s+at /;

let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let handler: ItsmeSignHandler;
let clientKey: string;
const unexpected: unknown[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
/** Cookie values of real sessions: signed, cancelled, live. */
const real: { value: string; id: string }[] = [];
const tally = { cases: 0, notRoutes: 0, started: 0, upstream: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  sandbox = await startTestSandbox();
  clientKey = sandbox.credentials.clientKeyPem;
  sandbox.addRedirectUrl(`${APP}${BASE}/callback`);
  handler = createItsmeSignHandler({
    basePath: BASE,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [SECRET] },
    allowBrowserDigests: true,
    redirectUrl: `${APP}${BASE}/callback`,
    client: { ...clientOptions(sandbox), timeoutMs: 5_000 },
    pollIntervalMs: 50,
    // Long polls of live sessions end at once: 10,000 cases must not wait.
    maxWaitSeconds: 0.005,
    // Breadth of input, not cost bounds (cost.test.ts): starts are not limited here.
    rateLimit: false,
    onError: (error) => unexpected.push(error),
    documents: {
      resolveDocument: async (id) =>
        id === 'contract-1'
          ? { name: 'c.pdf', contentType: 'application/pdf', data: new Uint8Array(8) }
          : undefined,
      documentSigner: {
        prepare: () => Promise.reject(new Error('not reached: no fuzzed session gets identified')),
        finalize: () => Promise.reject(new Error('not reached')),
      },
    },
  });
  const hash = digest.toString('base64');
  const signed = new DirectBrowser(handler);
  expect((await signDirect(signed, sandbox, { digest: hash })).status).toBe('signed');
  const cancelled = new DirectBrowser(handler);
  await startSession(cancelled, { digest: hash });
  expect((await cancelled.fetch(`${BASE}/session`, { method: 'DELETE' })).status).toBe(200);
  const live = new DirectBrowser(handler);
  await startSession(live, { digest: hash, lang: 'NL' });
  for (const b of [signed, cancelled, live]) {
    real.push({ value: b.cookieValue, id: b.cookieValue.split('.')[0]! });
  }
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await handler?.close();
  await sandbox?.close();
  summary('bad input (handler)', {
    cases: tally.cases,
    notHandlerRoutes: tally.notRoutes,
    sessionsStarted: tally.started,
    upstreamErrors: tally.upstream,
    statuses: [...tally.byStatus].map(([s, n]) => `${s}:${n}`).join(','),
  });
});

// ----------------------------------------------------------------------------------------------------------
// Generators
// ----------------------------------------------------------------------------------------------------------

/** Header values the platform accepts (Latin-1, no CR/LF/NUL): what can really arrive from a socket. */
const headerSafe = (s: string) =>
  [...s]
    .filter((ch) => ch !== '\r' && ch !== '\n' && ch !== '\0')
    .map((ch) => (ch.charCodeAt(0) > 0xff ? '?' : ch))
    .join('')
    .trim();

const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD') },
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'OPTIONS', 'get', 'post', 'Delete', 'PROPFIND') },
  {
    weight: 1,
    arbitrary: fc.stringMatching(/^[A-Za-z]{1,12}$/).filter((m) => !/^(connect|trace|track)$/i.test(m)),
  },
);

const segment = fc.oneof(
  fc.constantFrom(
    'sessions',
    'session',
    'callback',
    'result',
    '',
    '.',
    '..',
    '%2e%2e',
    'SESSION',
    'session;x',
  ),
  fc.webSegment(),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.values(ROUTES)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('/session/', '/sessions//', '/session/result/', '/', '', '//session'),
  },
  { weight: 2, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((a) => `/${a.join('/')}`) },
);
const prefix = fc.oneof(
  { weight: 12, arbitrary: fc.constant(BASE) },
  { weight: 1, arbitrary: fc.constantFrom('/api/itsmeX', '/api', '', '/API/ITSME', '/other') },
);

const numberish = fc.oneof(
  fc.constantFrom('0', '1', '-1', 'abc', '1e3', 'NaN', 'Infinity', '0.001', '', ' 2 ', '0x10', '99999999999'),
  fc.integer().map(String),
  fc.double().map(String),
  fc.string({ maxLength: 8 }),
);
const query = fc.record(
  {
    wait: numberish,
    version: numberish,
    extra: fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })),
  },
  { requiredKeys: [] },
);

const forged = fc
  .constantFrom('x', 'y', 'z')
  .chain((slot) =>
    fc
      .tuple(fc.constantFrom(0, 1, 2), fc.uint8Array({ maxLength: 40 }))
      .map(([i, mac]) => `${real[i]?.id ?? slot}.${Buffer.from(mac).toString('base64url')}`),
  );
const cookieValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2).map((i) => real[i]?.value ?? '') },
  { weight: 3, arbitrary: forged },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2).map((i) => real[i]?.id ?? '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 120 }) },
);
const cookie = fc.oneof(
  cookieValue.map((v) => `itsme_sign=${v}`),
  fc.tuple(cookieValue, cookieValue).map(([a, b]) => `other=1; itsme_sign=${a}; itsme_sign=${b}`),
  fc.string({ maxLength: 80 }),
);

const json = (v: unknown) => JSON.stringify(v);
/** Mostly what a real client sends, sometimes anything. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad });
const digests = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      digest.toString('base64'),
      digest.toString('hex'),
      digest.toString('base64url'),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 0, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 110 }) },
  { weight: 1, arbitrary: fc.anything() },
);
const options = {
  documentName: mostly(
    fc.constantFrom('contract.pdf', 'Contrat n° 42'),
    fc.oneof(fc.string({ maxLength: 210 }), fc.anything()),
  ),
  lang: mostly(
    fc.constantFrom('EN', 'fr', 'Nl', 'de'),
    fc.oneof(fc.constantFrom('ES', ''), fc.string({ maxLength: 4 }), fc.anything()),
  ),
  signerRole: mostly(fc.constantFrom('Gérant', 'CEO'), fc.oneof(fc.string({ maxLength: 60 }), fc.anything())),
  description: mostly(fc.constantFrom('Contrat 42'), fc.oneof(fc.string({ maxLength: 60 }), fc.anything())),
};
const startBody = fc.oneof(
  { weight: 4, arbitrary: fc.record({ digest: digests, ...options }, { requiredKeys: ['digest'] }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { documentId: mostly(fc.constantFrom('contract-1', 'unknown'), fc.anything()), ...options },
      { requiredKeys: ['documentId'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { digest: digests, documentId: fc.anything(), ...options, extra: fc.anything() },
      { requiredKeys: [] },
    ),
  },
);
const body = fc.oneof(
  { weight: 6, arbitrary: startBody.map(json) },
  { weight: 2, arbitrary: fc.json() },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"digest":', 'x'.repeat(17_000)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
);

const headers = fc.record(
  {
    cookie,
    origin: mostly(
      fc.constant(APP),
      fc.oneof(fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1:8081', ''), fc.webUrl()),
    ),
    'sec-fetch-site': mostly(
      fc.constant('same-origin'),
      fc.constantFrom('same-site', 'cross-site', 'none', 'garbage'),
    ),
    'content-type': mostly(
      fc.constantFrom('application/json', 'application/json; charset=utf-8'),
      fc.oneof(
        fc.constantFrom(
          'APPLICATION/JSON',
          'application/json-patch+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ),
        fc.string({ maxLength: 40 }),
      ),
    ),
    'content-length': fc.constantFrom('0', '-1', '16385', '999999999', 'abc'),
  },
  { requiredKeys: [] },
);

/** A route with the method it expects (most cases), or any method on any path. */
const target = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { method: 'POST', prefix: BASE, path: ROUTES.sessions },
      { method: 'POST', prefix: BASE, path: ROUTES.sessions },
      { method: 'GET', prefix: BASE, path: ROUTES.session },
      { method: 'DELETE', prefix: BASE, path: ROUTES.session },
      { method: 'GET', prefix: BASE, path: ROUTES.callback },
      { method: 'GET', prefix: BASE, path: ROUTES.result },
      { method: 'HEAD', prefix: BASE, path: ROUTES.result },
    ),
  },
  { weight: 2, arbitrary: fc.record({ method, prefix, path }) },
);
const requestCase = fc
  .record({ target, query, headers, body })
  .map(({ target: t, ...rest }) => ({ ...t, ...rest }));
interface Case {
  method: string;
  prefix: string;
  path: string;
  query: Partial<{ wait: string; version: string; extra: [string, string] }>;
  headers: Partial<Record<string, string>>;
  body: string | Uint8Array;
}

function toRequest(c: Case): Request {
  const url = new URL(`${APP}${c.prefix}${c.path}`);
  for (const [k, v] of Object.entries(c.query)) {
    if (Array.isArray(v)) url.searchParams.append(v[0], v[1]);
    else url.searchParams.set(k, v);
  }
  const h = new Headers();
  for (const [k, v] of Object.entries(c.headers)) if (v !== undefined) h.set(k, headerSafe(v));
  const m = c.method.toUpperCase();
  const hasBody = m !== 'GET' && m !== 'HEAD';
  return new Request(url, {
    method: c.method,
    headers: h,
    ...(hasBody ? { body: c.body as string | Uint8Array<ArrayBuffer> } : {}),
  });
}

/** What the handler must do with the URL (its own routing rules, restated). */
function isRoute(request: Request): boolean {
  const { pathname } = new URL(request.url);
  if (pathname !== BASE && !pathname.startsWith(`${BASE}/`)) return false;
  const p = pathname.slice(BASE.length).replace(/\/+$/, '') || '/';
  return (Object.values(ROUTES) as string[]).includes(p);
}

async function check(c: Case): Promise<void> {
  const request = toRequest(c);
  const response = await handler.handle(request);
  tally.cases++;
  if (!response) {
    tally.notRoutes++;
    expect(isRoute(request)).toBe(false);
    return;
  }
  expect(isRoute(request)).toBe(true);
  const status = response.status;
  tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
  const text = await response.text();
  const everything = `${text}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
  expect(everything).not.toContain(SECRET);
  expect(everything).not.toContain(clientKey.slice(40, 120));
  expect(everything).not.toMatch(/PRIVATE KEY/);
  expect(text).not.toMatch(STACK);

  if (status === 303) {
    const location = new URL(response.headers.get('location') ?? '', request.url);
    expect(location.origin + location.pathname).toBe(`${APP}/sign/status`);
    expect(text).toBe('');
    return;
  }
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const parsed = JSON.parse(text) as unknown;
  if (status === 200 || status === 201) {
    const schema = new URL(request.url).pathname.startsWith(`${BASE}${ROUTES.result}`)
      ? signatureResultSchema
      : sessionViewSchema;
    schema.parse(parsed);
    if (status === 201) {
      tally.started++;
      expect(response.headers.getSetCookie()[0]).toMatch(/^itsme_sign=[\w-]+\.[\w-]+; Path=\/api\/itsme;/);
    }
    return;
  }
  const { error } = errorBodySchema.parse(parsed);
  expect(
    Object.keys(error).every((k) =>
      ['code', 'message', 'category', 'retryable', 'reason', 'field'].includes(k),
    ),
  ).toBe(true);
  const info = ERROR_CODES[error.code as keyof typeof ERROR_CODES];
  expect(info, `unknown code ${error.code}`).toBeDefined();
  expect(status).toBe(info.status);
  if (status >= 500) {
    expect(info.category, `${status} ${error.code}: ${error.message}`).toBe('upstream');
    tally.upstream++;
  }
}

describe('every handler route under hostile input', () => {
  it(`answers ${NUM_RUNS} generated requests with a typed result or a typed error`, async () => {
    await fc.assert(
      fc.asyncProperty(requestCase, async (c) => {
        await check(c);
      }),
      { numRuns: NUM_RUNS, seed: SEED, endOnFailure: true },
    );
    expect(unexpected).toEqual([]);
    expect(rejections).toEqual([]);
    expect(tally.started).toBeGreaterThan(50);
    // Every route was reached with every method family.
    expect(tally.byStatus.get(405)).toBeGreaterThan(0);
    expect(tally.byStatus.get(303)).toBeGreaterThan(0);
    expect(tally.byStatus.get(200)).toBeGreaterThan(0);
  });
});
