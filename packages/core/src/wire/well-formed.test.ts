import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ResultMajor, SHA256_ALGORITHM_URI } from './constants.js';
import * as schemas from './schemas.js';
import * as wellFormed from './well-formed.js';
import { normalizeBase64, splitPemCertificates } from './well-formed.js';

const CERT = `-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----`;
const ROOT = `-----BEGIN CERTIFICATE-----\r\nMIIBszCCAVmgAwIBAgIURg==\r\n-----END CERTIFICATE-----\n`;
const DIGEST = 'f4OxZX/x/FO5LcGBSKHWXfwtSx+j1ncoSt3SABJtkGk=';
const USER_CODE = '9o8f04wm1g0bdc8gmgcuxp2ehgn7txh0x2kq';

/** Each check of an answer with its schema and well-formed messages it must answer itself (requests: `client/requests.test.ts`). */
const CASES: [string, z.ZodType, (v: unknown) => unknown, unknown[]][] = [
  [
    'identification response',
    schemas.identificationResponseSchema,
    wellFormed.identificationResponse,
    [
      { status: 'OK', asyncRespId: 'a1', identificationUrl: 'https://idp.example/x?q=1', extra: 1 },
      { status: 'OK', statusReason: 'x', asyncRespID: 'a2', identificationUrl: 'http://127.0.0.1:9/i' },
    ],
  ],
  [
    'identification status response',
    schemas.identificationStatusResponseSchema,
    wellFormed.identificationStatusResponse,
    [
      { status: 'OK', userCode: USER_CODE, certificate: CERT },
      { status: 'OK', userCode: USER_CODE, certificate: CERT, fullCertificateChain: `${ROOT}${CERT}` },
      { status: 'OK', userCode: USER_CODE, certificate: `${CERT}\n`, fullCertificateChain: [CERT, ROOT] },
    ],
  ],
  [
    'identification error',
    schemas.identificationErrorSchema,
    wellFormed.identificationError,
    [{ status: 'NOK', statusReason: 'PENDING' }, { status: 'NOK' }],
  ],
  [
    'sign response',
    schemas.signResponseSchema,
    wellFormed.signResponse,
    [
      {
        result: { maj: ResultMajor.Pending },
        reqID: 'ReqIDx',
        respID: 'r1',
        optOutp: { itsme: { signingUrl: 'https://sign.example/s?q=1', userCode: USER_CODE } },
      },
      {
        result: { maj: ResultMajor.Success, min: null, msg: { lang: 'EN', value: 'done', other: 1 } },
        respID: 'r1',
        optOutp: { itsme: null },
        sigObj: [
          { b64Sig: { value: 'AAAA' }, whichDoc: 'a.pdf' },
          { b64Sig: { value: 'QUJD-_\nREVG' }, whichdoc: 'b.pdf' },
        ],
      },
      {
        result: { maj: ResultMajor.RequesterError, min: 'EXPIRED', msg: 'gone' },
        optOutp: null,
        sigObj: null,
      },
    ],
  ],
];

/** Values a field may be replaced with: wrong types, edges of the limits, spellings the schemas rewrite. */
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  ' FR',
  'fr',
  'XX',
  0,
  true,
  [],
  {},
  [{}],
  'x'.repeat(256),
  USER_CODE,
  `${USER_CODE}x`,
  DIGEST,
  DIGEST.slice(0, -1),
  `${DIGEST.slice(0, -2)}==`,
  SHA256_ALGORITHM_URI,
  'https://ok.example/path',
  'HTTPS://ok.example/path',
  'https://ok.example:443/p?q=1#f',
  'https://ok.example:65536/',
  'https://ok.example:/',
  'https://ok.example./',
  'https://ok..example/',
  'https://-ok.example/',
  'https://xn--nxasmq6b.example/',
  'https://xn--a.example/',
  'https://ok.example\\path',
  'https://user@ok.example/',
  'http://127.0.0.1:9/i',
  'http://1.2.3.256/',
  'http://01.2.3.4/',
  'http://1.2.3/',
  'http://0x7f.0.0.1/',
  'http://example.1a/',
  ' https://ok.example/path',
  'https://ok.example/pa\tth',
  'ftp://ok.example/',
  'https:/ok.example',
  'http://',
  'not a url',
  'Gérant',
  'Ūnicode',
  'AAA',
  'A===',
  'A+B-',
  CERT,
  'no certificate',
  [CERT, 1],
  { value: 'x' },
  { value: 1 },
];

/** Every value reachable from `root` with one field (at any depth) removed or replaced. */
function* mutants(root: unknown): Generator<unknown> {
  const clone = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));
  function* at(value: unknown, rebuild: (v: unknown) => unknown): Generator<unknown> {
    if (Array.isArray(value)) {
      yield rebuild([...value, clone(value[0])]);
      yield rebuild([]);
      for (let i = 0; i < value.length; i++) {
        yield* at(value[i], (v) => rebuild(value.map((x, j) => (j === i ? v : x))));
      }
    } else if (typeof value === 'object' && value !== null) {
      yield rebuild({ ...value, unexpected: 'x' });
      for (const key of Object.keys(value)) {
        const { [key]: _, ...without } = value as Record<string, unknown>;
        yield rebuild(without);
        yield* at((value as Record<string, unknown>)[key], (v) => rebuild({ ...value, [key]: v }));
      }
    }
    for (const r of REPLACEMENTS) yield rebuild(clone(r));
  }
  yield* at(root, (v) => v);
}

describe('well-formed checks: the schemas’ outputs, or "not sure"', () => {
  for (const [name, schema, check, valid] of CASES) {
    it(`${name}: answers the common messages itself, as the schema does`, () => {
      for (const value of valid) {
        const parsed = schema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(check(value)).toStrictEqual(parsed.data);
      }
    });

    it(`${name}: never accepts what the schema refuses, never answers otherwise`, () => {
      let answered = 0;
      let refused = 0;
      for (const value of valid) {
        for (const mutant of mutants(value)) {
          const fast = check(mutant);
          const parsed = schema.safeParse(mutant);
          if (!parsed.success) refused++;
          if (fast === undefined) continue;
          answered++;
          expect(parsed.success, JSON.stringify(mutant)).toBe(true);
          expect(fast, JSON.stringify(mutant)).toStrictEqual(parsed.data);
        }
      }
      // The mutations reach both sides: the check answers some, the schema refuses some.
      expect(answered).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    });
  }
});

describe('the string checks of the cheap path', () => {
  it('splits a PEM bundle as the PEM grammar reads it (CRLF as LF, text around ignored, an unclosed block dropped)', () => {
    const crlf = CERT.replace(/\n/g, '\r\n');
    expect(splitPemCertificates(`junk\n${CERT}\n\n${crlf}\nmore`)).toEqual([`${CERT}\n`, `${CERT}\n`]);
    expect(splitPemCertificates(`${CERT}-----BEGIN CERTIFICATE-----\nMIIB`)).toEqual([`${CERT}\n`]);
    expect(splitPemCertificates('-----BEGIN CERTIFICATE----------END CERTIFICATE-----')).toEqual([]);
    expect(splitPemCertificates('no certificate')).toEqual([]);
  });

  it('keeps standard padded base64 as it is and normalises the other spellings', () => {
    for (const v of ['AAAA', 'AA==', 'AAA=', DIGEST]) expect(normalizeBase64(v)).toBe(v);
    expect(normalizeBase64('QUJD-_\nREVG')).toBe('QUJD+/REVG==');
    expect(normalizeBase64('AA')).toBe('AA==');
    for (const bad of ['====', 'A===', '=AAA', 'AA=A', 'A']) expect(normalizeBase64(bad)).toBeUndefined();
  });
});
