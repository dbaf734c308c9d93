import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { LIMITS } from '../wire/constants.js';
import * as schemas from '../wire/schemas.js';
import type { StartIdentificationInput, StartSigningInput } from './b2b-types.js';
import { newRequestId } from './request-id.js';
import * as requests from './requests.js';

const USER_CODE = '9o8f04wm1g0bdc8gmgcuxp2ehgn7txh0x2kq';
const DIGEST = 'f4OxZX/x/FO5LcGBSKHWXfwtSx+j1ncoSt3SABJtkGk=';
const POLICY = '1.3.6.1.4.1.49274.1.1.7.1.0';
const CODES: requests.Codes = { partnerCode: 'myPartner', serviceCode: 'myServiceCode' };

/** One request: its schema, the object the client builds for the schema, and the direct builder. */
interface Case<I> {
  schema: z.ZodType;
  object: (c: requests.Codes, input: I, reqID: string) => unknown;
  direct: (c: requests.Codes, input: I, reqID: string) => unknown;
}
const CASES = {
  identification: {
    schema: schemas.identificationRequestSchema,
    object: (c, i) => requests.identificationRequest(c, i),
    direct: (c, i) => requests.identificationBody(c, i),
  } satisfies Case<StartIdentificationInput>,
  identificationStatus: {
    schema: schemas.identificationStatusRequestSchema,
    object: (c, id) => requests.identificationStatusRequest(c, id),
    direct: (c, id) => requests.identificationStatusBody(c, id),
  } satisfies Case<string>,
  signStart: {
    schema: schemas.signStartRequestSchema,
    object: requests.signStartRequest,
    direct: requests.signStartBody,
  } satisfies Case<StartSigningInput>,
  signStatus: {
    schema: schemas.signStatusRequestSchema,
    object: requests.signStatusRequest,
    direct: requests.signStatusBody,
  } satisfies Case<string>,
};

type Outcome = 'direct' | 'schema' | 'refused' | 'thrown';
/**
 * What the client does with one input: the direct body (only for codes that pass `codesOk`), else the schema's
 * output of the object. A direct body must be, byte for byte once serialised, what the schema outputs; a value the
 * schema refuses (or an object that cannot be built) must never get one; an error thrown by the builder must be
 * the one building the object throws.
 */
function check<I>(k: Case<I>, c: requests.Codes, input: I, reqID: string): Outcome {
  let direct: unknown;
  let directError: unknown;
  try {
    direct = requests.codesOk(c) ? k.direct(c, input, reqID) : undefined;
  } catch (e) {
    directError = e;
  }
  let object: unknown;
  try {
    object = k.object(c, input, reqID);
  } catch (e) {
    if (directError === undefined) expect(direct).toBeUndefined();
    else expect(String(directError)).toBe(String(e));
    return 'thrown';
  }
  expect(directError).toBeUndefined();
  const parsed = k.schema.safeParse(object);
  if (direct === undefined) return parsed.success ? 'schema' : 'refused';
  expect(parsed.success, JSON.stringify(object)).toBe(true);
  expect(JSON.stringify(direct), JSON.stringify(object)).toBe(JSON.stringify(parsed.data));
  return 'direct';
}

// ---------------------------------------------------------------------------------------------------------
// Inputs: valid ones, the edges of each rule, anything at all
// ---------------------------------------------------------------------------------------------------------

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const some = <T>(valid: fc.Arbitrary<T>, ...edges: unknown[]) =>
  fc.oneof(
    { weight: 6, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 3, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: fc.anything() },
  );
const codeOf = (max: number) =>
  some(fc.string({ minLength: 1, maxLength: max }), '', 'x'.repeat(max), 'x'.repeat(max + 1), undefined);
const codes = fc.record({ partnerCode: codeOf(LIMITS.partnerCode), serviceCode: codeOf(LIMITS.serviceCode) });
const lang = some(fc.constantFrom('FR', 'NL', 'EN', 'DE'), 'fr', ' nl ', 'De\n', 'XX', '', 'ﬀ', 'FRA', 0);
const redirectUrl = some(
  fc.constantFrom('https://app.example/cb', 'http://127.0.0.1:9/api/itsme/callback'),
  'HTTPS://ok.example/p',
  'https://ok.example:65536/',
  'ftp://ok.example/',
  'not a url',
  '',
  `https://ok.example/${'p'.repeat(LIMITS.redirectUrl)}`,
  'javascript:alert(1)',
);
const userCode = some(
  fc.constant(USER_CODE),
  USER_CODE.slice(1),
  `${USER_CODE}x`,
  '',
  undefined,
  null,
  'é'.repeat(LIMITS.userCode),
);
const text = (max: number) =>
  some(
    fc.oneof(
      fc.constantFrom('Gérant', 'Car insurance contract', 'x'.repeat(max)),
      fc.dictionary(
        fc.constantFrom('EN', 'FR', 'NL', 'DE', 'fr'),
        fc.oneof(fc.constant('Rôle'), fc.string()),
      ),
    ),
    undefined,
    '',
    'x'.repeat(max + 1),
    'Ūnicode',
    'tab\there',
    {},
    { FR: 5 },
    { FR: '' },
    null,
  );
const digest = some(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64),
  DIGEST.slice(0, -1),
  `${DIGEST.slice(0, -2)}==`,
  `${DIGEST.slice(0, -1)}A`,
  DIGEST.replace('/', '_'),
  `${DIGEST} `,
  b64(new Uint8Array(33)),
  '',
);
const docId = some(fc.constantFrom('a.pdf', 'b.pdf', 'c'), '', 'x'.repeat(LIMITS.docId), 'x'.repeat(256), 1);
const doc = some(fc.record({ id: docId, digest }, { requiredKeys: ['id', 'digest'] }), {}, null, [], 'a');
const manyDocs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `d${i}`, digest: DIGEST }));
const documents = some(
  fc.array(doc, { minLength: 1, maxLength: 3 }),
  [],
  manyDocs(LIMITS.batchDocuments),
  manyDocs(LIMITS.batchDocuments + 1),
  [undefined],
  'documents',
);
const optional = (arb: fc.Arbitrary<unknown>) => fc.oneof(fc.constant(undefined), arb);
const identificationInput = fc.record({ lang, redirectUrl, userCode: optional(userCode) });
const signInput = fc.record({
  userCode,
  documents,
  lang,
  redirectUrl,
  signPolicyRef: some(fc.constant(POLICY), '', 'p'.repeat(5000), undefined),
  commitmentTypeRef: optional(some(fc.constant('ProofOfApproval'), '', 0, 'x')),
  signerRole: optional(text(LIMITS.signerRole)),
  description: optional(text(LIMITS.description)),
});
const id = (max: number) =>
  some(fc.string({ minLength: 1, maxLength: 40 }), '', 'x'.repeat(max), 'x'.repeat(max + 1), undefined);
const reqID = fc.oneof(
  fc.constant(null).map(() => newRequestId()),
  id(LIMITS.reqID),
);

/** Runs `check` over many generated cases (some answered directly, some refused) and the given direct ones. */
function holds<I>(k: Case<I>, input: fc.Arbitrary<I>, direct: [requests.Codes, I][]) {
  const seen = new Set<Outcome>();
  fc.assert(
    fc.property(codes, input, reqID, (c, i, r) => {
      seen.add(check(k, c as requests.Codes, i, r as string));
    }),
    { numRuns: 3000 },
  );
  for (const [c, i] of direct) expect(check(k, c, i, newRequestId())).toBe('direct');
  expect(seen.has('direct') && seen.has('refused')).toBe(true);
}

describe('request bodies built directly: the strict schemas’ outputs, or "not sure"', () => {
  it('the codes are checked as the schemas check them', () => {
    fc.assert(
      fc.property(codes, (c) => {
        const ok =
          schemas.partnerCodeSchema.safeParse(c.partnerCode).success &&
          schemas.serviceCodeSchema.safeParse(c.serviceCode).success;
        expect(requests.codesOk(c as requests.Codes)).toBe(ok);
      }),
      { numRuns: 2000 },
    );
  });

  it('identification request', () => {
    holds(CASES.identification, identificationInput as fc.Arbitrary<StartIdentificationInput>, [
      [CODES, { lang: 'FR', redirectUrl: 'https://app.example/cb' }],
      [CODES, { lang: ' nl ', redirectUrl: 'http://127.0.0.1:9/cb', userCode: USER_CODE }],
    ]);
  });

  it('identification status request', () => {
    holds(CASES.identificationStatus, id(LIMITS.asyncRespID) as fc.Arbitrary<string>, [[CODES, 'abc']]);
  });

  it('sign start request', () => {
    const base = {
      userCode: USER_CODE,
      documents: [{ id: 'contract.pdf', digest: DIGEST }],
      lang: 'FR',
      redirectUrl: 'https://app.example/cb',
      signPolicyRef: POLICY,
    };
    holds(CASES.signStart, signInput as fc.Arbitrary<StartSigningInput>, [
      [CODES, base],
      [
        CODES,
        {
          ...base,
          documents: manyDocs(LIMITS.batchDocuments),
          lang: 'de',
          commitmentTypeRef: 'ProofOfApproval',
          signerRole: 'Gérant',
          description: { EN: 'Car insurance contract', FR: 'Contrat' },
        },
      ],
    ]);
  });

  it('sign status request', () => {
    holds(CASES.signStatus, id(LIMITS.asyncRespID) as fc.Arbitrary<string>, [[CODES, 'resp']]);
  });

  it('a sign start with one field of a valid input replaced: the direct body, or the schema decides', () => {
    const base: Record<string, unknown> = {
      userCode: USER_CODE,
      documents: [
        { id: 'a.pdf', digest: DIGEST },
        { id: 'b.pdf', digest: DIGEST },
      ],
      lang: 'fr',
      redirectUrl: 'https://app.example/cb',
      signPolicyRef: POLICY,
      commitmentTypeRef: 'ProofOfApproval',
      signerRole: 'Gérant',
      description: { EN: 'Car insurance contract' },
    };
    const values = [undefined, null, '', 'x', 0, true, [], {}, USER_CODE, DIGEST, 'b.pdf', 'x'.repeat(256)];
    const outcomes = new Set<Outcome>();
    for (const key of Object.keys(base)) {
      for (const v of values)
        outcomes.add(check(CASES.signStart, CODES, { ...base, [key]: v } as never, 'r'));
    }
    for (const key of ['id', 'digest'])
      for (const v of values) {
        const documents = [
          { id: 'a.pdf', digest: DIGEST, [key]: v },
          { id: 'b.pdf', digest: DIGEST },
        ];
        outcomes.add(check(CASES.signStart, CODES, { ...base, documents } as never, 'r'));
      }
    expect([...outcomes].sort()).toEqual(['direct', 'refused', 'thrown']);
  });
});
