import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResultMajor, SHA256_ALGORITHM_URI } from './constants.js';
import {
  discoveryDocumentSchema,
  identificationErrorSchema,
  identificationRequestSchema,
  identificationResponseSchema,
  identificationStatusRequestSchema,
  identificationStatusResponseSchema,
  normalizeBase64,
  signResponseSchema,
  signStartRequestSchema,
  signStatusRequestSchema,
} from './schemas.js';

const CERT = `-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----`;
const ROOT = `-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIURg==\n-----END CERTIFICATE-----`;
const DIGEST = 'f4OxZX/x/FO5LcGBSKHWXfwtSx+j1ncoSt3SABJtkGk=';
const USER_CODE = '9o8f04wm1g0bdc8gmgcuxp2ehgn7txh0x2kq';

/** The first failing path of a parse, joined with dots. */
const failingField = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.success ? undefined : r.error?.issues[0]?.path.join('.');

const signStart = () => ({
  inDocs: {
    docHash: [{ di: [{ alg: SHA256_ALGORITHM_URI, value: DIGEST }], id: 'ContractCar20180914u89236456.pdf' }],
  },
  reqID: 'ReqID4va0acsef3mv5ft1dp71',
  asyncRespID: null,
  optInp: {
    lang: 'FR',
    itsme: {
      signer: { userCode: USER_CODE },
      partnerCode: 'myPartner',
      serviceCode: 'myServiceCode',
      description: [
        { lang: 'EN', value: 'Car insurance contract' },
        { lang: 'FR', value: "Contrat d'assurance voiture" },
        { lang: 'NL', value: 'Contract verzekering auto' },
        { lang: 'DE', value: 'Kfz-Versicherungsvertrag' },
      ],
      redirectUrl: 'https://sca.example/callback',
      signPolicy: {
        signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0',
        commitmentTypeRef: '1.2.840.113549.1.9.16.6.5',
        signerRole: [
          { lang: 'EN', value: 'General Manager' },
          { lang: 'FR', value: 'Gestionnaire' },
          { lang: 'NL', value: 'Zaakvoerder' },
          { lang: 'DE', value: 'Manager' },
        ],
      },
    },
  },
});

describe('guide and swagger examples parse', () => {
  it('identification request (swagger spelling redirectUrl)', () => {
    const r = identificationRequestSchema.parse({
      partnerCode: 'myClientID',
      serviceCode: 'myServiceCode',
      redirectUrl: 'https://sca.example/callback',
      lang: 'fr',
    });
    expect(r.lang).toBe('FR');
  });

  it('identification response, with asyncRespId (docs) and asyncRespID (live)', () => {
    const docs = identificationResponseSchema.parse({
      status: 'OK',
      asyncRespId: '4kpr55zdi2mk9ns27awgngkltoenfy04gi9b',
      identificationUrl:
        'https://uatmerchant.itsme.be/qes/identify_yourself?language=FR&q=ss4liz8kjk1xxz8taj3nbxae7zqty6eq',
    });
    const live = identificationResponseSchema.parse({
      status: 'OK',
      asyncRespID: '4kpr55zdi2mk9ns27awgngkltoenfy04gi9b',
      identificationUrl: 'https://uatmerchant.itsme.be/qes/identify_yourself?q=x',
      somethingNew: 1,
    });
    expect(docs.asyncRespID).toBe('4kpr55zdi2mk9ns27awgngkltoenfy04gi9b');
    expect(live.asyncRespID).toBe(docs.asyncRespID);
  });

  it('identification status request and response (with and without fullCertificateChain)', () => {
    identificationStatusRequestSchema.parse({
      partnerCode: 'myPartner',
      serviceCode: 'myServiceCode',
      asyncRespID: '4kpr55zdi2mk9ns27awgngkltoenfy04gi9b',
    });
    const alone = identificationStatusResponseSchema.parse({
      status: 'OK',
      userCode: USER_CODE,
      certificate: CERT,
    });
    expect(alone.certificateChain).toEqual([alone.certificate]);
    const chained = identificationStatusResponseSchema.parse({
      status: 'OK',
      userCode: USER_CODE,
      certificate: CERT,
      fullCertificateChain: `${CERT}\n${ROOT}`,
    });
    expect(chained.certificateChain).toHaveLength(2);
    // A chain given root first, or without the leaf, still comes out leaf first.
    const rootFirst = identificationStatusResponseSchema.parse({
      status: 'OK',
      userCode: USER_CODE,
      certificate: CERT,
      fullCertificateChain: [ROOT, CERT],
    });
    expect(rootFirst.certificateChain.map((c) => c.includes('IUQ'))).toEqual([true, false]);
    const noLeaf = identificationStatusResponseSchema.parse({
      status: 'OK',
      userCode: USER_CODE,
      certificate: CERT,
      fullCertificateChain: ROOT,
    });
    expect(noLeaf.certificateChain).toHaveLength(2);
    expect(noLeaf.certificateChain[0]).toContain('IUQ');
  });

  it('identification error bodies', () => {
    expect(identificationErrorSchema.parse({ status: 'NOK', statusReason: 'PENDING' }).statusReason).toBe(
      'PENDING',
    );
  });

  it('sign start request (guide example with the swagger fields)', () => {
    expect(signStartRequestSchema.parse(signStart()).optInp.lang).toBe('FR');
  });

  it('sign status request (its own type, inDocs null)', () => {
    signStatusRequestSchema.parse({
      inDocs: null,
      reqID: 'ReqIDv1prg8pmn9mtive3otsc',
      asyncRespID: 'b99a7d03acb94ea5a4d972aa31bb1c36',
      optInp: { itsme: { partnerCode: 'myPartner', serviceCode: 'myService' } },
    });
  });

  it('sign responses: pending without min/msg, success with whichDoc or whichdoc, errors', () => {
    const pending = signResponseSchema.parse({
      result: { maj: ResultMajor.Pending },
      reqID: 'ReqID4va0acsef3mv5ft1dp71',
      respID: 'hjg3ngu3tvvv71k9qg1vyokc2mwmqgqk43iv',
      optOutp: {
        itsme: { signingUrl: 'https://uatmerchant.itsme.be/qes/prove_its_you_poka?q=34u5&language=FR' },
      },
    });
    expect(pending.signingUrl).toContain('prove_its_you_poka');
    const ok = signResponseSchema.parse({
      result: { maj: ResultMajor.Success, min: null, msg: { lang: 'EN', value: 'ok' } },
      reqID: 'r',
      respID: 'x',
      sigObj: [{ b64Sig: { value: 'AAAA' }, whichdoc: 'doc.pdf' }],
    });
    expect(ok.signatures).toEqual([{ value: 'AAAA', whichDoc: 'doc.pdf' }]);
    expect(ok.result.msg).toBe('ok');
    const err = signResponseSchema.parse({
      result: { maj: ResultMajor.RequesterError, min: 'INVALID_POLICY' },
      reqID: 'r',
    });
    expect(err.result.min).toBe('INVALID_POLICY');
  });

  it('the discovery document (it starts with a space)', () => {
    const text = readFileSync(
      new URL('../../../../../shared/itsme/qesdiscovery.json', import.meta.url),
      'utf8',
    );
    expect(text.startsWith(' ')).toBe(true);
    const doc = discoveryDocumentSchema.parse(JSON.parse(text));
    expect(doc.sign_languages_supported.map((l) => l.toUpperCase())).toEqual(
      expect.arrayContaining(['EN', 'FR', 'NL', 'DE']),
    );
    expect(doc.sign_policy_templates_supported.some((p) => p.oid === '1.3.6.1.4.1.49274.1.1.7.1.0')).toBe(
      true,
    );
  });
});

describe('signature values in any base64 spelling that decodes (issue 14)', () => {
  const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64');
  it.each([
    ['padded', value],
    ['unpadded', value.replace(/=+$/, '')],
    ['line-wrapped (MIME, CRLF)', value.replace(/.{1,76}/g, '$&\r\n')],
    ['line-wrapped (PEM, LF), unpadded', value.replace(/=+$/, '').replace(/.{1,64}/g, '$&\n')],
    ['base64url', value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
  ])('%s → standard padded base64', (_name, spelled) => {
    const dss = signResponseSchema.parse({
      result: { maj: ResultMajor.Success },
      sigObj: [{ b64Sig: { value: spelled }, whichDoc: 'd' }],
    });
    expect(dss.signatures[0]?.value).toBe(value);
  });

  it('refuses what does not decode', () => {
    for (const bad of ['%%%', 'A', 'AAAAA', 'AA+_', '']) expect(normalizeBase64(bad)).toBeUndefined();
  });
});

describe('malformed requests are refused, naming the field', () => {
  const mutate = (f: (r: ReturnType<typeof signStart>) => void) => {
    const r = signStart();
    f(r);
    return failingField(signStartRequestSchema.safeParse(r));
  };
  it.each([
    [
      'wrong algorithm',
      (r: ReturnType<typeof signStart>) => {
        r.inDocs.docHash[0]!.di[0]!.alg = 'http://www.w3.org/2000/09/xmldsig#sha1';
      },
      'inDocs.docHash.0.di.0.alg',
    ],
    [
      'digest of 31 bytes',
      (r: ReturnType<typeof signStart>) => {
        r.inDocs.docHash[0]!.di[0]!.value = Buffer.alloc(31).toString('base64');
      },
      'inDocs.docHash.0.di.0.value',
    ],
    [
      'base64url digest',
      (r: ReturnType<typeof signStart>) => {
        r.inDocs.docHash[0]!.di[0]!.value = Buffer.alloc(32, 0xfb).toString('base64url');
      },
      'inDocs.docHash.0.di.0.value',
    ],
    [
      'two hashes',
      (r: ReturnType<typeof signStart>) => {
        r.inDocs.docHash.push(r.inDocs.docHash[0]!);
      },
      'inDocs.docHash',
    ],
    [
      'no hash',
      (r: ReturnType<typeof signStart>) => {
        r.inDocs.docHash = [];
      },
      'inDocs.docHash',
    ],
    [
      'two digests in one hash',
      (r: ReturnType<typeof signStart>) => {
        r.inDocs.docHash[0]!.di.push(r.inDocs.docHash[0]!.di[0]!);
      },
      'inDocs.docHash.0.di',
    ],
    [
      'signer role of 51 characters',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.itsme.signPolicy.signerRole[0]!.value = 'x'.repeat(51);
      },
      'optInp.itsme.signPolicy.signerRole.0.value',
    ],
    [
      'signer role outside ISO-8859-1',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.itsme.signPolicy.signerRole[0]!.value = 'Directeur €';
      },
      'optInp.itsme.signPolicy.signerRole.0.value',
    ],
    [
      'unknown language',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.lang = 'ES';
      },
      'optInp.lang',
    ],
    [
      'userCode not 36 characters',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.itsme.signer.userCode = 'short';
      },
      'optInp.itsme.signer.userCode',
    ],
    [
      'partnerCode over 10 characters',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.itsme.partnerCode = 'x'.repeat(11);
      },
      'optInp.itsme.partnerCode',
    ],
    [
      'serviceCode over 45 characters',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.itsme.serviceCode = 'x'.repeat(46);
      },
      'optInp.itsme.serviceCode',
    ],
    [
      'redirectUrl over 255 characters',
      (r: ReturnType<typeof signStart>) => {
        r.optInp.itsme.redirectUrl = `https://a.example/${'x'.repeat(250)}`;
      },
      'optInp.itsme.redirectUrl',
    ],
    [
      '2019 spelling redirect_uri',
      (r: ReturnType<typeof signStart>) => {
        (r.optInp.itsme as Record<string, unknown>).redirect_uri = r.optInp.itsme.redirectUrl;
      },
      'optInp.itsme',
    ],
  ])('%s', (_name, f, field) => {
    expect(mutate(f)).toBe(field);
  });

  it('identification request: missing redirectUrl, bad lang, over-long codes', () => {
    const ok = { partnerCode: 'p', serviceCode: 's', lang: 'EN', redirectUrl: 'https://a.example/cb' };
    expect(failingField(identificationRequestSchema.safeParse({ ...ok, redirectUrl: undefined }))).toBe(
      'redirectUrl',
    );
    expect(failingField(identificationRequestSchema.safeParse({ ...ok, lang: 'XX' }))).toBe('lang');
    expect(failingField(identificationRequestSchema.safeParse({ ...ok, partnerCode: '' }))).toBe(
      'partnerCode',
    );
    expect(failingField(identificationRequestSchema.safeParse({ ...ok, userCode: 'abc' }))).toBe('userCode');
  });

  it('sign status request: the start shape is not accepted', () => {
    const r = signStart();
    expect(signStatusRequestSchema.safeParse({ ...r, asyncRespID: 'x' }).success).toBe(false);
  });
});

describe('malformed responses are refused, naming the field', () => {
  it.each([
    [identificationResponseSchema, { status: 'OK', identificationUrl: 'https://x.example/' }, 'asyncRespId'],
    [
      identificationResponseSchema,
      { status: 'OK', asyncRespId: 'a', identificationUrl: 'javascript:alert(1)' },
      'identificationUrl',
    ],
    [
      identificationStatusResponseSchema,
      { status: 'OK', userCode: USER_CODE, certificate: 'not a pem' },
      'certificate',
    ],
    [identificationStatusResponseSchema, { status: 'OK', certificate: CERT }, 'userCode'],
    [signResponseSchema, { reqID: 'r' }, 'result'],
    [
      signResponseSchema,
      { result: { maj: ResultMajor.Success }, sigObj: [{ b64Sig: { value: 'AAAA' } }] },
      'sigObj.0.whichDoc',
    ],
    [
      signResponseSchema,
      { result: { maj: ResultMajor.Success }, sigObj: [{ b64Sig: { value: '%%%' }, whichDoc: 'd' }] },
      'sigObj.0.b64Sig.value',
    ],
    [
      discoveryDocumentSchema,
      { sign_policy_templates_supported: [], commitment_types_supported: [] },
      'sign_languages_supported',
    ],
  ] as const)('%#', (schema, value, field) => {
    expect(failingField((schema as unknown as { safeParse: (v: unknown) => never }).safeParse(value))).toBe(
      field,
    );
  });
});
