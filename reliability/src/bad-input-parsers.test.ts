/**
 * Bad input, B2B side: every response parser of core (the zod schemas) and the B2B client itself, fed with
 * 10,000+ generated bodies and status codes each. The schemas never throw and what they accept is usable;
 * the client, over real mutual TLS with keep-alive, ends every call in a valid result or a typed error.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import {
  type B2BClient,
  createB2BClient,
  discoveryDocumentSchema,
  ERROR_CODES,
  identificationErrorSchema,
  identificationResponseSchema,
  identificationStatusResponseSchema,
  isItsmeSignError,
  ResultMajor,
  signResponseSchema,
} from '@itsme-sign/core';
import { createTestPki, type TestPki } from '@itsme-sign/test-support/pki';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutated, withUnknownFields } from './support/mutate.js';
import { summary } from './support/summary.js';

/** The sandbox's copy of itsme®'s discovery document, in its package folder (found as Node finds the dependency). */
const DISCOVERY_FILE = join(
  dirname(createRequire(import.meta.url).resolve('@itsme-sign/sandbox/package.json')),
  'src/data/discovery.json',
);

const NUM_RUNS = 10_000;
const SEED = Number(process.env.FC_SEED ?? 20261126);
const PEM_CERT = /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/;

let pki: TestPki;
const tally = { schemaCases: 0, clientCases: 0, results: 0, errors: new Map<string, number>(), requests: 0 };
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
  pki = createTestPki();
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
  summary('bad input (B2B parsers)', {
    schemaCases: tally.schemaCases,
    clientCases: tally.clientCases,
    serverAnswers: tally.requests,
    validResults: tally.results,
    typedErrors: [...tally.errors].map(([c, n]) => `${c}:${n}`).join(','),
  });
});

// ----------------------------------------------------------------------------------------------------------
// Valid samples of each message (what the service sends), bent by the generators
// ----------------------------------------------------------------------------------------------------------

const samples = () => {
  const cert = pki.clientCert.trim();
  const url = 'https://mobile.itsme.example/qes/identify_yourself?q=abc';
  return {
    identification: { status: 'OK', asyncRespId: 'a1b2c3d4e5', identificationUrl: url },
    identificationStatus: {
      status: 'OK',
      userCode: 'u'.repeat(36),
      certificate: cert,
      fullCertificateChain: `${cert}\n${pki.caCert.trim()}`,
    },
    identificationError: { status: 'NOK', statusReason: 'PENDING' },
    signStart: {
      result: { maj: ResultMajor.Pending, min: null, msg: null },
      reqID: 'ReqIDabc',
      respID: 'resp-1',
      optOutp: {
        itsme: { signingUrl: 'https://mobile.itsme.example/qes/prove?q=x', userCode: 'u'.repeat(36) },
      },
    },
    signStatus: {
      result: { maj: ResultMajor.Success },
      respID: 'resp-1',
      sigObj: [{ b64Sig: { value: 'AAECAwQ=' }, whichDoc: 'document' }],
    },
    signRejected: {
      result: { maj: ResultMajor.RequesterError, min: 'REJECTED', msg: { lang: 'EN', value: 'no' } },
    },
    discovery: JSON.parse(readFileSync(DISCOVERY_FILE, 'utf8')) as Record<string, unknown>,
  };
};

const isHttpUrl = (v: unknown) =>
  typeof v === 'string' && URL.canParse(v) && /^https?:$/.test(new URL(v).protocol);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;

// ----------------------------------------------------------------------------------------------------------
// 1. The schemas
// ----------------------------------------------------------------------------------------------------------

/** The part of a zod schema these tests use. */
interface SchemaLike<O> {
  safeParse(value: unknown): { success: true; data: O } | { success: false; error: { issues: unknown[] } };
  parse(value: unknown): O;
}

interface SchemaTarget {
  name: string;
  schema: SchemaLike<unknown>;
  sample: () => Record<string, unknown>;
  /** What the client relies on in an accepted message. */
  usable: (out: unknown) => boolean;
}

const target = <O>(
  name: string,
  schema: SchemaLike<O>,
  sample: () => Record<string, unknown>,
  usable: (out: O) => boolean,
): SchemaTarget => ({ name, schema, sample, usable: (out) => usable(out as O) });

const schemaTargets: SchemaTarget[] = [
  target(
    'identificationResponseSchema',
    identificationResponseSchema,
    () => samples().identification,
    (o) => nonEmpty(o.asyncRespID) && isHttpUrl(o.identificationUrl) && typeof o.status === 'string',
  ),
  target(
    'identificationStatusResponseSchema',
    identificationStatusResponseSchema,
    () => samples().identificationStatus,
    (o) =>
      nonEmpty(o.userCode) &&
      PEM_CERT.test(o.certificate) &&
      o.certificateChain.length > 0 &&
      o.certificateChain.every((c) => PEM_CERT.test(c)),
  ),
  target(
    'identificationErrorSchema',
    identificationErrorSchema,
    () => samples().identificationError,
    (o) =>
      typeof o.status === 'string' && (o.statusReason === undefined || typeof o.statusReason === 'string'),
  ),
  target(
    'signResponseSchema',
    signResponseSchema,
    () => samples().signStatus,
    (o) =>
      nonEmpty(o.result.maj) &&
      (o.result.min === undefined || typeof o.result.min === 'string') &&
      (o.result.msg === undefined || typeof o.result.msg === 'string') &&
      (o.signingUrl === undefined || isHttpUrl(o.signingUrl)) &&
      o.signatures.every((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s.value) && nonEmpty(s.whichDoc)),
  ),
  target(
    'discoveryDocumentSchema',
    discoveryDocumentSchema,
    () => samples().discovery,
    (o) =>
      o.sign_policy_templates_supported.every((p) => nonEmpty(p.oid) && /^[0-9a-f]+$/i.test(p.sigDigest)) &&
      o.sign_languages_supported.every((l) => typeof l === 'string'),
  ),
];

describe('B2B response schemas', () => {
  for (const t of schemaTargets) {
    it(`${t.name}: ${NUM_RUNS} bent or random messages never throw; what passes is usable`, () => {
      const sample = t.sample();
      const input = fc.oneof(
        { weight: 6, arbitrary: mutated(sample) },
        { weight: 2, arbitrary: fc.jsonValue() },
        { weight: 1, arbitrary: fc.anything() },
      );
      let accepted = 0;
      fc.assert(
        fc.property(input, (value) => {
          tally.schemaCases++;
          const parsed = t.schema.safeParse(value);
          if (parsed.success) {
            accepted++;
            expect(t.usable(parsed.data)).toBe(true);
          } else {
            expect(parsed.error.issues.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: NUM_RUNS, seed: SEED },
      );
      // Both sides were exercised.
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(NUM_RUNS);
    });

    it(`${t.name}: unknown fields are ignored (1,000 cases)`, () => {
      const sample = t.sample();
      const expected = t.schema.parse(sample);
      fc.assert(
        fc.property(withUnknownFields(sample), (value) => {
          tally.schemaCases++;
          expect(t.schema.parse(value)).toEqual(expected);
        }),
        { numRuns: 1_000, seed: SEED },
      );
    });
  }
});

// ----------------------------------------------------------------------------------------------------------
// 2. The client, over mutual TLS, against a server that answers anything
// ----------------------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `reset`: destroy the connection; `truncate`: send half the body and cut. */
  network?: 'reset' | 'truncate';
}

/** The answer of each lane (one client per lane, told apart by its `X-Partner-Code`). */
const answers = new Map<string, Answer>();
const LANES = 8;
let server: Server;
const sockets = new Set<Socket>();

async function startAnsweringServer(): Promise<string> {
  server = createServer(
    { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        tally.requests++;
        const a = answers.get(String(req.headers['x-partner-code'])) ?? {
          status: 500,
          headers: {},
          body: '',
        };
        if (a.network === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        if (a.network === 'truncate') {
          res.write(a.body.slice(0, Math.floor(a.body.length / 2)));
          setImmediate(() => req.socket.destroy());
          return;
        }
        res.end(a.body);
      });
    },
  );
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Call =
  | 'startIdentification'
  | 'getIdentificationStatus'
  | 'startSigning'
  | 'getSigningStatus'
  | 'getDiscovery';

const DIGEST = Buffer.alloc(32, 7).toString('base64');
function invoke(client: B2BClient, call: Call): Promise<unknown> {
  switch (call) {
    case 'startIdentification':
      return client.startIdentification({
        lang: 'EN',
        redirectUrl: 'https://app.example/api/itsme/callback',
      });
    case 'getIdentificationStatus':
      return client.getIdentificationStatus('a1b2c3d4e5');
    case 'startSigning':
      return client.startSigning({
        userCode: 'u'.repeat(36),
        documents: [{ id: 'document', digest: DIGEST }],
        lang: 'FR',
        redirectUrl: 'https://app.example/api/itsme/callback',
        signPolicyRef: '1.3.6.1.4.1.49274.1.1.5.1.0',
        signerRole: 'Gérant',
      });
    case 'getSigningStatus':
      return client.getSigningStatus('resp-1');
    case 'getDiscovery':
      return client.getDiscovery();
  }
}

/** The result of each call, when it is one, is well-formed. */
function checkResult(call: Call, r: Record<string, unknown>): void {
  switch (call) {
    case 'startIdentification':
      expect(nonEmpty(r.asyncRespID) && isHttpUrl(r.identificationUrl)).toBe(true);
      return;
    case 'startSigning':
      expect(nonEmpty(r.respID) && isHttpUrl(r.signingUrl)).toBe(true);
      return;
    case 'getIdentificationStatus':
      expect(['pending', 'identified', 'rejected', 'expired']).toContain(r.state);
      if (r.state === 'identified') {
        expect(PEM_CERT.test(r.certificate as string)).toBe(true);
        expect((r.certificateChain as string[]).length).toBeGreaterThan(0);
        expect(nonEmpty(r.userCode)).toBe(true);
      }
      return;
    case 'getSigningStatus':
      expect(['pending', 'signed', 'rejected', 'expired']).toContain(r.state);
      if (r.state === 'signed') {
        const signatures = r.signatures as { signatureValue: unknown; whichDoc: unknown }[];
        expect(signatures.length).toBeGreaterThan(0);
        for (const s of signatures) expect(nonEmpty(s.signatureValue) && nonEmpty(s.whichDoc)).toBe(true);
      }
      return;
    case 'getDiscovery':
      expect(Array.isArray(r.sign_policy_templates_supported)).toBe(true);
      return;
  }
}

const CALLS: Call[] = [
  'startIdentification',
  'getIdentificationStatus',
  'startSigning',
  'getSigningStatus',
  'getDiscovery',
];

describe('B2B client over mutual TLS', () => {
  const clients: B2BClient[] = [];
  beforeAll(async () => {
    const url = await startAnsweringServer();
    for (let lane = 0; lane < LANES; lane++) {
      clients.push(
        createB2BClient({
          baseUrl: url,
          partnerCode: `LANE${lane}`,
          serviceCode: 'SERVICE',
          sendPartnerCodeHeader: true,
          credentials: { cert: pki.clientCert, key: pki.clientKey },
          ca: pki.caCert,
          timeoutMs: 5_000,
          retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it(`ends each of ${NUM_RUNS} calls answered with generated statuses and bodies in a result or a typed error`, async () => {
    const s = samples();
    /** What the service answers to each call (and what it answers on failure), before being bent. */
    const identificationErrors = [
      s.identificationError,
      { status: 'NOK', statusReason: 'REJECTED' },
      { status: 'NOK', statusReason: 'EXPIRED' },
      { status: 'NOK', statusReason: 'INVALID_REQUESTOR' },
    ];
    const signAnswers = [
      s.signRejected,
      { result: { maj: ResultMajor.Pending } },
      { result: { maj: ResultMajor.ResponderError, min: 'TECHNICAL_ERROR' } },
      { result: { maj: ResultMajor.RequesterError, min: 'EXPIRED' } },
    ];
    const valid: Record<Call, unknown[]> = {
      startIdentification: [s.identification, ...identificationErrors],
      getIdentificationStatus: [s.identificationStatus, ...identificationErrors],
      startSigning: [s.signStart, ...signAnswers],
      getSigningStatus: [s.signStatus, ...signAnswers],
      getDiscovery: [s.discovery],
    };
    const bodyFor = (call: Call) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...valid[call]).map((b) => JSON.stringify(b)) },
        {
          weight: 6,
          arbitrary: fc
            .constantFrom(...valid[call])
            .chain(mutated)
            .map((b) => JSON.stringify(b) ?? ''),
        },
        { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', ' ', '{', '{"status":"OK","asyncRespId":"trunc', 'null', '<html>'),
        },
      );
    const status = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(200, 200, 409, 400, 500) },
      { weight: 2, arbitrary: fc.constantFrom(201, 202, 204, 301, 302, 401, 403, 404, 429, 502, 503, 504) },
      { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
    );
    const headers = fc.record(
      {
        'retry-after': fc.constantFrom('0', '1', '120', 'Wed, 21 Oct 2015 07:28:00 GMT', 'soon'),
        'content-type': fc.constantFrom(
          'text/html',
          'application/json; charset=iso-8859-1',
          'application/problem+json',
        ),
      },
      { requiredKeys: [] },
    );
    const network = fc.oneof(
      { weight: 200, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('reset' as const, 'truncate' as const) },
    );
    const testCase = fc
      .constantFrom(...CALLS)
      .chain((call) => fc.record({ call: fc.constant(call), status, headers, body: bodyFor(call), network }));
    type Case = typeof testCase extends fc.Arbitrary<infer T> ? T : never;

    const runCase = async (lane: number, c: Case) => {
      tally.clientCases++;
      answers.set(`LANE${lane}`, {
        status: c.status,
        headers: c.headers,
        body: c.body,
        ...(c.network ? { network: c.network } : {}),
      });
      let result: unknown;
      try {
        result = await invoke(clients[lane]!, c.call);
      } catch (error) {
        expect(isItsmeSignError(error), String(error)).toBe(true);
        if (!isItsmeSignError(error)) return;
        expect(ERROR_CODES[error.code]).toBeDefined();
        expect(`${error.message} ${JSON.stringify(error.toJSON())}`).not.toMatch(/PRIVATE KEY/);
        if (error.httpStatus !== undefined) expect(error.httpStatus).toBe(c.status);
        tally.errors.set(error.code, (tally.errors.get(error.code) ?? 0) + 1);
        return;
      }
      tally.results++;
      checkResult(c.call, result as Record<string, unknown>);
    };

    // LANES cases at a time, one per client: NUM_RUNS cases in all.
    await fc.assert(
      fc.asyncProperty(fc.array(testCase, { minLength: LANES, maxLength: LANES }), async (batch) => {
        await Promise.all(batch.map((c, lane) => runCase(lane, c)));
      }),
      { numRuns: NUM_RUNS / LANES, seed: SEED, endOnFailure: true },
    );
    expect(tally.clientCases).toBe(NUM_RUNS);
    expect(rejections).toEqual([]);
    expect(tally.results).toBeGreaterThan(1_000);
    expect(tally.requests).toBeGreaterThanOrEqual(NUM_RUNS);
  });
});
