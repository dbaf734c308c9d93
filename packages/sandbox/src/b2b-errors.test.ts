/**
 * Every error code of the B2B API, triggered by the input that causes it at the real service (guide appendix,
 * swagger, PROTOCOL-NOTES §7/§8), and every response checked against core's zod schemas.
 */
import {
  discoveryDocumentSchema,
  GENERIC_QUALIFIED_POLICY,
  identificationErrorSchema,
  identificationResponseSchema,
  identificationStatusResponseSchema,
  ResultMajor,
  signResponseSchema,
} from '@itsme-sign/core';
import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';
import { selfSignedClientCert } from './test-support/certs.js';
import {
  batchStartBody,
  digestOf,
  identificationBody,
  REDIRECT_URL,
  signStartBody,
  signStatusBody,
  testDocuments,
  withPath,
} from './test-support/requests.js';

const TEST_POLICY = '1.3.6.1.4.1.49274.1.1.5.1.0';
let sb: Sandbox;
let userCode: string;
let identificationId: string;
let signId: string;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: inject('sandboxDataDir'), disabledPolicies: [TEST_POLICY] });
  sb.addRedirectUrl(REDIRECT_URL);
  const started = identificationResponseSchema.parse(
    (await b2bRaw(sb, '/user_identification', identificationBody())).json,
  );
  identificationId = started.asyncRespID;
  userCode = (await sb.control.identify({ url: started.identificationUrl, phone: '+32470000401' }))
    .userCode as string;
  const sign = signResponseSchema.parse(
    (await b2bRaw(sb, '/sign_document', signStartBody(userCode, digestOf('x')))).json,
  );
  signId = sign.respID as string;
});

afterAll(async () => {
  await sb?.close();
});

describe('POST /user_identification', () => {
  const cases: [string, unknown, string, Record<string, string>?][] = [
    ['an empty body', undefined, 'NO_REQUEST'],
    ['an empty object', {}, 'NO_REQUEST'],
    ['a JSON array', [], 'NO_REQUEST'],
    ['no partnerCode', identificationBody({ partnerCode: undefined }), 'MISSING_PARTNER_CODE'],
    ['an empty partnerCode', identificationBody({ partnerCode: '' }), 'MISSING_PARTNER_CODE'],
    ['no serviceCode', identificationBody({ serviceCode: undefined }), 'MISSING_SERVICE_CODE'],
    ['no redirectUrl', identificationBody({ redirectUrl: undefined }), 'INVALID_URL'],
    [
      "the 2019 guide's redirect_uri instead of redirectUrl",
      identificationBody({ redirectUrl: undefined, redirect_uri: REDIRECT_URL }),
      'INVALID_URL',
    ],
    ['a malformed redirectUrl', identificationBody({ redirectUrl: 'not a url' }), 'INVALID_URL'],
    ['an unknown partnerCode', identificationBody({ partnerCode: 'NOPE' }), 'INVALID_REQUESTOR'],
    ['an unknown serviceCode', identificationBody({ serviceCode: 'NOPE' }), 'INVALID_REQUESTOR'],
    [
      'an X-Partner-Code header of another partner',
      identificationBody(),
      'INVALID_REQUESTOR',
      { 'x-partner-code': 'OTHER' },
    ],
    [
      'an unregistered redirectUrl',
      identificationBody({ redirectUrl: 'https://evil.example/cb' }),
      'UNAUTHORIZED_URL',
    ],
    ['an unsupported lang', identificationBody({ lang: 'ES' }), 'INVALID_LANG'],
    ['no lang', identificationBody({ lang: undefined }), 'INVALID_LANG'],
  ];
  it.each(cases)('answers 400 for %s', async (_name, body, reason, headers) => {
    const res = await b2bRaw(sb, '/user_identification', body, headers ? { headers } : {});
    expect(res.status).toBe(400);
    expect(identificationErrorSchema.parse(res.json)).toEqual({ status: 'NOK', statusReason: reason });
  });

  it('answers 200 with asyncRespId (as documented) and an identificationUrl', async () => {
    const res = await b2bRaw(sb, '/user_identification', identificationBody({ lang: 'nl' }), {
      headers: { 'x-partner-code': 'DEMO' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toHaveProperty('asyncRespId');
    const parsed = identificationResponseSchema.parse(res.json);
    expect(parsed.identificationUrl).toMatch(
      new RegExp(`^${sb.frontUrl}/qes/identify_yourself\\?language=NL&q=[a-z0-9]{32}$`),
    );
  });

  it('spells the id asyncRespID when identificationIdSpelling says so', async () => {
    const other = await startSandbox({
      dataDir: inject('sandboxDataDir'),
      identificationIdSpelling: 'asyncRespID',
    });
    try {
      other.addRedirectUrl(REDIRECT_URL);
      const res = await b2bRaw(other, '/user_identification', identificationBody());
      expect(res.json).toHaveProperty('asyncRespID');
      expect(res.json).not.toHaveProperty('asyncRespId');
      expect(identificationResponseSchema.safeParse(res.json).success).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('skips the phone step for a known userCode', async () => {
    const res = await b2bRaw(sb, '/user_identification', identificationBody({ userCode }));
    const started = identificationResponseSchema.parse(res.json);
    const status = await b2bRaw(sb, '/user_identification/status', {
      partnerCode: 'DEMO',
      serviceCode: 'DEMO_SIGN',
      asyncRespID: started.asyncRespID,
    });
    expect(status.status).toBe(200);
    expect(identificationStatusResponseSchema.parse(status.json).userCode).toBe(userCode);
  });
});

describe('POST /user_identification/status', () => {
  const ok = () => ({ partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN', asyncRespID: identificationId });
  const cases: [string, () => unknown, string][] = [
    ['an empty body', () => undefined, 'NO_REQUEST'],
    ['no partnerCode', () => ({ ...ok(), partnerCode: undefined }), 'MISSING_PARTNER_CODE'],
    ['no serviceCode', () => ({ ...ok(), serviceCode: undefined }), 'MISSING_SERVICE_CODE'],
    ['no asyncRespID', () => ({ ...ok(), asyncRespID: undefined }), 'MISSING_ASYNC_RESP_ID'],
    [
      'asyncRespId (lower-case d) instead of asyncRespID',
      () => ({ ...ok(), asyncRespID: undefined, asyncRespId: identificationId }),
      'MISSING_ASYNC_RESP_ID',
    ],
    ['an unknown partner', () => ({ ...ok(), partnerCode: 'NOPE' }), 'INVALID_REQUESTOR'],
  ];
  it.each(cases)('answers 400 for %s', async (_name, body, reason) => {
    const res = await b2bRaw(sb, '/user_identification/status', body());
    expect(res.status).toBe(400);
    expect(identificationErrorSchema.parse(res.json)).toEqual({ status: 'NOK', statusReason: reason });
  });

  it.each([
    ['an unknown asyncRespID', 'x'.repeat(36)],
    ['a sign session id', 'SIGN'],
  ])('answers 409 with an empty body for %s', async (_name, id) => {
    const res = await b2bRaw(sb, '/user_identification/status', {
      ...ok(),
      asyncRespID: id === 'SIGN' ? signId : id,
    });
    expect(res.status).toBe(409);
    expect(res.text).toBe('');
  });

  it('answers 200 with the certificate and the full chain (leaf → root) once identified', async () => {
    const res = await b2bRaw(sb, '/user_identification/status', ok());
    expect(res.status).toBe(200);
    const parsed = identificationStatusResponseSchema.parse(res.json);
    expect(parsed.certificateChain).toHaveLength(3);
    expect(parsed.certificateChain[2]?.trim()).toBe(sb.credentials.rootCaPem.trim());
    expect(parsed.certificateChain[1]?.trim()).toBe(sb.credentials.issuingCaPem.trim());
  });
});

/** POSTs a sign start request and expects 400 RequesterError with this minor. */
async function expectSignRequesterError(body: unknown, min: string) {
  const res = await b2bRaw(sb, '/sign_document', body);
  expect(res.status).toBe(400);
  expect(signResponseSchema.parse(res.json).result).toMatchObject({ maj: ResultMajor.RequesterError, min });
  return res;
}

type DigestInfo = { alg: string; value: string };

/** The body with the digest info of `docHash[i]` twice. */
function withTwoDigestInfos<B extends { inDocs: { docHash: { di: DigestInfo[] }[] } }>(
  body: B,
  i: number,
): B {
  const di = body.inDocs.docHash[i]?.di as DigestInfo[];
  di.push({ ...(di[0] as DigestInfo) });
  return body;
}

describe('POST /sign_document (start)', () => {
  const base = () => signStartBody(userCode, digestOf('data'));
  const itsme = ['optInp', 'itsme'];
  const cases: [string, () => unknown, string][] = [
    ['an empty body', () => undefined, 'INCOMPLETE_REQUEST'],
    ['no reqID', () => withPath(base(), ['reqID'], undefined), 'INCOMPLETE_REQUEST'],
    ['no optInp', () => withPath(base(), ['optInp'], undefined), 'INCOMPLETE_REQUEST'],
    ['no partnerCode', () => withPath(base(), [...itsme, 'partnerCode'], undefined), 'MISSING_PARTNER_CODE'],
    ['no serviceCode', () => withPath(base(), [...itsme, 'serviceCode'], undefined), 'MISSING_SERVICE_CODE'],
    ['an unknown partner', () => withPath(base(), [...itsme, 'partnerCode'], 'NOPE'), 'INVALID_REQUESTOR'],
    ['an unknown service', () => withPath(base(), [...itsme, 'serviceCode'], 'NOPE'), 'INVALID_REQUESTOR'],
    ['an unsupported language', () => withPath(base(), ['optInp', 'lang'], 'IT'), 'INVALID_LANGUAGE'],
    ['no inDocs', () => withPath(base(), ['inDocs'], undefined), 'NO_HASH_PROVIDED'],
    ['an empty docHash', () => withPath(base(), ['inDocs', 'docHash'], []), 'NO_HASH_PROVIDED'],
    [
      'two hashes',
      () => {
        const b = base();
        b.inDocs.docHash.push({ ...(b.inDocs.docHash[0] as (typeof b.inDocs.docHash)[0]), id: 'second.pdf' });
        return b;
      },
      'ONLY_SINGLE_HASH_SUPPORTED',
    ],
    [
      'no docHash id',
      () => withPath(base(), ['inDocs', 'docHash', 0, 'id'], undefined),
      'INCOMPLETE_REQUEST',
    ],
    ['no digest info', () => withPath(base(), ['inDocs', 'docHash', 0, 'di'], []), 'NO_DIGEST_INFO_PROVIDED'],
    ['two digest infos', () => withTwoDigestInfos(base(), 0), 'ONLY_SINGLE_DIGEST_INFO_SUPPORTED'],
    [
      'a SHA-1 algorithm',
      () =>
        withPath(base(), ['inDocs', 'docHash', 0, 'di', 0, 'alg'], 'http://www.w3.org/2000/09/xmldsig#sha1'),
      'INVALID_DIGEST_INFO',
    ],
    [
      'a 20-byte digest',
      () =>
        withPath(base(), ['inDocs', 'docHash', 0, 'di', 0, 'value'], Buffer.alloc(20, 1).toString('base64')),
      'INVALID_DIGEST_INFO',
    ],
    [
      'a hex digest',
      () => withPath(base(), ['inDocs', 'docHash', 0, 'di', 0, 'value'], 'ab'.repeat(32)),
      'INVALID_DIGEST_INFO',
    ],
    ['no signer', () => withPath(base(), [...itsme, 'signer'], undefined), 'INCOMPLETE_REQUEST'],
    [
      'an unknown userCode',
      () => withPath(base(), [...itsme, 'signer', 'userCode'], 'u'.repeat(36)),
      'NOT_ALLOWED_TO_SIGN',
    ],
    ['no redirectUrl', () => withPath(base(), [...itsme, 'redirectUrl'], undefined), 'INCOMPLETE_REQUEST'],
    [
      'an unregistered redirectUrl',
      () => withPath(base(), [...itsme, 'redirectUrl'], 'https://evil.example/'),
      'INVALID_REQUESTOR',
    ],
    ['no signPolicy', () => withPath(base(), [...itsme, 'signPolicy'], undefined), 'INCOMPLETE_REQUEST'],
    [
      'the 2019 ITSME_DEFAULT policy',
      () => withPath(base(), [...itsme, 'signPolicy', 'signPolicyRef'], 'ITSME_DEFAULT'),
      'INVALID_POLICY',
    ],
    [
      'an unknown commitment type',
      () => withPath(base(), [...itsme, 'signPolicy', 'commitmentTypeRef'], '1.2.3'),
      'INVALID_POLICY',
    ],
    [
      'a disabled policy',
      () => withPath(base(), [...itsme, 'signPolicy', 'signPolicyRef'], TEST_POLICY),
      'INVALID_POLICY_STATUS',
    ],
    [
      'a signer role of 51 characters',
      () => withPath(base(), [...itsme, 'signPolicy', 'signerRole'], [{ lang: 'EN', value: 'r'.repeat(51) }]),
      'INCOMPLETE_REQUEST',
    ],
    [
      'a non-ISO-8859-1 description',
      () => withPath(base(), [...itsme, 'description'], [{ lang: 'EN', value: 'Contract €' }]),
      'INCOMPLETE_REQUEST',
    ],
  ];
  it.each(cases)('answers 400 RequesterError for %s', async (_name, body, min) => {
    await expectSignRequesterError(body(), min);
  });

  it('answers 200 Pending with respID, signingUrl and userCode', async () => {
    const res = await b2bRaw(
      sb,
      '/sign_document',
      withPath(base(), [...itsme, 'signPolicy', 'signPolicyRef'], GENERIC_QUALIFIED_POLICY),
      {
        headers: { 'x-partner-code': 'DEMO' },
      },
    );
    expect(res.status).toBe(200);
    const parsed = signResponseSchema.parse(res.json);
    expect(parsed).toMatchObject({ result: { maj: ResultMajor.Pending }, reqID: 'req-1', userCode });
    expect(parsed.signingUrl).toMatch(new RegExp(`^${sb.frontUrl}/qes/prove_its_you_poka\\?language=FR&q=`));
  });
});

describe('POST /sign_document (start), a batch: every docHash entry is checked like the single one', () => {
  beforeAll(() => void sb.control.setMaxHashes(5));
  afterAll(() => void sb.control.setMaxHashes(1));
  const batch = () =>
    batchStartBody(userCode, [
      { id: 'a.pdf', digest: digestOf('a') },
      { id: 'b.pdf', digest: digestOf('b') },
      { id: 'c.pdf', digest: digestOf('c') },
    ]);
  const third = ['inDocs', 'docHash', 2];
  const cases: [string, () => unknown, string][] = [
    [
      'six entries (over the limit of 5)',
      () => batchStartBody(userCode, testDocuments(6).docs),
      'BATCH_TOO_LARGE',
    ],
    ['a third entry that is not an object', () => withPath(batch(), third, 'c.pdf'), 'INCOMPLETE_REQUEST'],
    ['a third entry without id', () => withPath(batch(), [...third, 'id'], undefined), 'INCOMPLETE_REQUEST'],
    ['a third entry with a blank id', () => withPath(batch(), [...third, 'id'], ' '), 'INCOMPLETE_REQUEST'],
    ['a repeated id', () => withPath(batch(), [...third, 'id'], 'a.pdf'), 'INCOMPLETE_REQUEST'],
    [
      'a third entry without di',
      () => withPath(batch(), [...third, 'di'], undefined),
      'NO_DIGEST_INFO_PROVIDED',
    ],
    [
      'a third entry with an empty di',
      () => withPath(batch(), [...third, 'di'], []),
      'NO_DIGEST_INFO_PROVIDED',
    ],
    [
      'a third entry with two digest infos',
      () => withTwoDigestInfos(batch(), 2),
      'ONLY_SINGLE_DIGEST_INFO_SUPPORTED',
    ],
    [
      'a third entry with a SHA-1 algorithm',
      () => withPath(batch(), [...third, 'di', 0, 'alg'], 'http://www.w3.org/2000/09/xmldsig#sha1'),
      'INVALID_DIGEST_INFO',
    ],
    [
      'a third entry with a 20-byte digest',
      () => withPath(batch(), [...third, 'di', 0, 'value'], Buffer.alloc(20, 1).toString('base64')),
      'INVALID_DIGEST_INFO',
    ],
    [
      'a third entry with a hex digest',
      () => withPath(batch(), [...third, 'di', 0, 'value'], 'ab'.repeat(32)),
      'INVALID_DIGEST_INFO',
    ],
  ];
  it.each(cases)('answers 400 RequesterError for %s', async (_name, body, min) => {
    const res = await expectSignRequesterError(body(), min);
    if (min !== 'BATCH_TOO_LARGE') expect(res.text).toContain('docHash[2]');
  });

  it('answers 200 Pending for three valid entries', async () => {
    const res = await b2bRaw(sb, '/sign_document', batch());
    expect(res.status).toBe(200);
    expect(signResponseSchema.parse(res.json).result.maj).toBe(ResultMajor.Pending);
  });
});

describe('POST /sign_document (status)', () => {
  it.each([
    [
      'no partnerCode',
      () => withPath(signStatusBody(signId), ['optInp', 'itsme', 'partnerCode'], undefined),
      400,
      'MISSING_PARTNER_CODE',
    ],
    [
      'no serviceCode',
      () => withPath(signStatusBody(signId), ['optInp', 'itsme', 'serviceCode'], undefined),
      400,
      'MISSING_SERVICE_CODE',
    ],
    [
      'an unknown partner',
      () => withPath(signStatusBody(signId), ['optInp', 'itsme', 'partnerCode'], 'NOPE'),
      400,
      'INVALID_REQUESTOR',
    ],
    [
      'inDocs null without asyncRespID',
      () => signStatusBody(signId, { asyncRespID: null }),
      400,
      'MISSING_ASYNC_RESP_ID',
    ],
    [
      'inDocs null and no asyncRespID',
      () => withPath(signStatusBody(signId), ['asyncRespID'], undefined),
      400,
      'MISSING_ASYNC_RESP_ID',
    ],
    ['an unknown asyncRespID', () => signStatusBody('z'.repeat(36)), 409, undefined],
    ['the identification id', () => signStatusBody(identificationId), 409, undefined],
  ] as const)('answers %s with its error', async (_name, body, status, min) => {
    const res = await b2bRaw(sb, '/sign_document', body());
    expect(res.status).toBe(status);
    const parsed = signResponseSchema.parse(res.json);
    expect(parsed.result.maj).toBe(ResultMajor.RequesterError);
    expect(parsed.result.min).toBe(min);
  });

  it('answers Pending while the user has not acted', async () => {
    const res = await b2bRaw(sb, '/sign_document', signStatusBody(signId));
    expect(res.status).toBe(200);
    expect(signResponseSchema.parse(res.json)).toMatchObject({
      result: { maj: ResultMajor.Pending },
      respID: signId,
    });
  });
});

describe('GET /.well-known/configuration and POST /verify_document', () => {
  it('serves the discovery document (starting with a space, like the real one)', async () => {
    const res = await b2bRaw(sb, '/.well-known/configuration', undefined, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.text.startsWith(' ')).toBe(true);
    const doc = discoveryDocumentSchema.parse(res.json);
    expect(doc.sign_languages_supported).toEqual(['EN', 'FR', 'NL', 'DE']);
    expect(doc.sign_policy_templates_supported.find((p) => p.ref === TEST_POLICY)?.status).toBe('DISABLED');
    expect(doc.sign_policy_templates_supported.find((p) => p.ref === GENERIC_QUALIFIED_POLICY)?.status).toBe(
      'ENABLED',
    );
  });

  it('tells whether a raw signature value is one it produced for the digest', async () => {
    const digest = digestOf('verify me');
    const started = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStartBody(userCode, digest))).json,
    );
    await sb.control.sign({ url: started.signingUrl as string });
    const done = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStatusBody(started.respID as string))).json,
    );
    const value = done.signatures[0]?.value as string;
    const verifyBody = (v: string) => ({
      reqID: 'v1',
      inDocs: {
        docHash: [
          { id: 'contract.pdf', di: [{ alg: 'http://www.w3.org/2001/04/xmlenc#sha256', value: digest }] },
        ],
      },
      optInp: { itsme: { partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN' } },
      sigObject: { b64Sig: { value: v }, whichDoc: 'contract.pdf' },
    });
    const good = await b2bRaw(sb, '/verify_document', verifyBody(value));
    expect(signResponseSchema.parse(good.json).result).toMatchObject({
      maj: ResultMajor.Success,
      min: 'VALID',
    });
    const bad = await b2bRaw(sb, '/verify_document', verifyBody(Buffer.alloc(256, 7).toString('base64')));
    expect(signResponseSchema.parse(bad.json).result).toMatchObject({
      maj: ResultMajor.RequesterError,
      min: 'INVALID',
    });
  });
});

describe('mutual TLS and IP filtering', () => {
  it('refuses a client without a certificate at the TLS layer', async () => {
    await expect(
      b2bRaw(sb, '/user_identification', identificationBody(), { tls: { ca: sb.credentials.caCertPem } }),
    ).rejects.toThrow();
    expect(sb.stats().calls.identification).toBeGreaterThan(0); // the server is fine, only that client was refused
  });

  it('refuses an unknown self-signed client certificate at the TLS layer', async () => {
    const stranger = await selfSignedClientCert();
    await expect(
      b2bRaw(sb, '/user_identification', identificationBody(), {
        tls: { cert: stranger.cert, key: stranger.key, ca: sb.credentials.caCertPem },
      }),
    ).rejects.toThrow();
  });

  it('answers 403 to a certificate that passes TLS but is not a registered partner certificate', async () => {
    const registered = await selfSignedClientCert('Registered partner');
    const other = await startSandbox({
      dataDir: inject('sandboxDataDir'),
      partners: [
        {
          partnerCode: 'BANK',
          serviceCode: 'BANK_SIGN',
          redirectUrls: [REDIRECT_URL],
          clientCertificate: registered.cert,
        },
      ],
    });
    try {
      // the sandbox's generated partner certificate chains to the root, so TLS accepts it; the registry does not
      const refused = await b2bRaw(
        other,
        '/user_identification',
        identificationBody({ partnerCode: 'BANK', serviceCode: 'BANK_SIGN' }),
      );
      expect(refused.status).toBe(403);
      expect(identificationErrorSchema.parse(refused.json).status).toBe('NOK');
      // the registered (self-signed) certificate is accepted, and it is BANK's, not DEMO's
      const tls = { cert: registered.cert, key: registered.key, ca: other.credentials.caCertPem };
      const ok = await b2bRaw(
        other,
        '/user_identification',
        identificationBody({ partnerCode: 'BANK', serviceCode: 'BANK_SIGN' }),
        { tls },
      );
      expect(ok.status).toBe(200);
      expect(other.partner).toEqual({ partnerCode: 'BANK', serviceCode: 'BANK_SIGN' });
    } finally {
      await other.close();
    }
  });

  it('answers 403 to a source IP that is not allowed', async () => {
    const other = await startSandbox({ dataDir: inject('sandboxDataDir'), allowedIps: ['10.9.8.7'] });
    try {
      other.addRedirectUrl(REDIRECT_URL);
      const res = await b2bRaw(other, '/user_identification', identificationBody());
      expect(res.status).toBe(403);
    } finally {
      await other.close();
    }
  });
});
