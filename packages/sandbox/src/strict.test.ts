/**
 * Where the sandbox is as strict as the real service: the base path, the content type, `userCode` lengths, label
 * languages, the sign status request's `inDocs: null` and `reqID`; the user's time counted from the push to the app;
 * `SIGNATURE_NOT_ALLOWED` and `UNEXPECTED_ERROR` from their causes.
 */
import {
  identificationErrorSchema,
  identificationResponseSchema,
  ResultMajor,
  signResponseSchema,
} from '@itsme-sign/core';
import { b2bRaw, type RawResponse } from '@itsme-sign/test-support/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BASE_PATH, type Sandbox, SIGNATURE_NOT_ALLOWED_PHONE, startSandbox } from './index.js';
import {
  digestOf,
  identificationBody,
  REDIRECT_URL,
  signStartBody,
  signStatusBody,
  withPath,
} from './test-support/requests.js';

const ACTION_TIMEOUT_MS = 1500;
let sb: Sandbox;
let userCode: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startIdentification(): Promise<{ asyncRespID: string; identificationUrl: string }> {
  return identificationResponseSchema.parse(
    (await b2bRaw(sb, '/user_identification', identificationBody())).json,
  );
}

const identificationStatus = (asyncRespID: string) =>
  b2bRaw(sb, '/user_identification/status', { partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN', asyncRespID });

/** An identification endpoint's `{status: 'NOK', statusReason}` answer, checked against core's schema. */
function expectNok(res: RawResponse, status: number, statusReason: string): void {
  expect(res.status).toBe(status);
  expect(identificationErrorSchema.parse(res.json)).toEqual({ status: 'NOK', statusReason });
}

/** The user types a phone number on the identification page (the push to the app), without acting in the app. */
async function submitPhone(identificationUrl: string, phone: string): Promise<void> {
  const q = new URL(identificationUrl).searchParams.get('q') as string;
  const res = await fetch(`${sb.frontUrl}/qes/identify_yourself`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q, language: 'EN', phone }).toString(),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
}

beforeAll(async () => {
  sb = await startSandbox({ dataDir: inject('sandboxDataDir'), actionTimeoutMs: ACTION_TIMEOUT_MS });
  sb.addRedirectUrl(REDIRECT_URL);
  const started = await startIdentification();
  userCode = (await sb.control.identify({ url: started.identificationUrl, phone: '+32470008001' }))
    .userCode as string;
});

afterAll(async () => {
  await sb?.close();
});

describe('the base path /qes-partners/1.0.0', () => {
  it('is part of b2bUrl, as of the real base URL', () => {
    expect(sb.b2bUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/qes-partners\/1\.0\.0$/);
    expect(sb.clientOptions().baseUrl).toBe(sb.b2bUrl);
    expect(BASE_PATH).toBe('/qes-partners/1.0.0');
  });

  it.each([
    ['GET', '/.well-known/configuration'],
    ['POST', '/user_identification'],
    ['POST', '/user_identification/status'],
    ['POST', '/sign_document'],
    ['POST', '/verify_document'],
    ['GET', '/qes-partners/1.0.0'],
    ['POST', '/qes-partners/2.0.0/user_identification'],
    ['POST', '/qes-partners/1.0.0/no_such_endpoint'],
  ])('%s %s (from the origin) is the gateway’s HTML 404, not counted as a call', async (method, path) => {
    const before = sb.stats().calls;
    const res = await b2bRaw(sb, path, method === 'POST' ? identificationBody() : undefined, {
      method,
      fromOrigin: true,
    });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<title>404 Not Found</title>');
    expect(sb.stats().calls).toEqual(before);
  });

  it('serves every endpoint under it', async () => {
    const res = await b2bRaw(sb, `${BASE_PATH}/.well-known/configuration`, undefined, {
      method: 'GET',
      fromOrigin: true,
    });
    expect(res.status).toBe(200);
  });
});

describe('the request content type (swagger: consumes application/json)', () => {
  it.each([
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['application/jsonp', 415],
    ['', 415],
    ['application/json', 200],
    ['application/json; charset=utf-8', 200],
    ['Application/JSON', 200],
  ])('content-type %j on user_identification → %i', async (contentType, status) => {
    const res = await b2bRaw(sb, '/user_identification', identificationBody(), {
      headers: { 'content-type': contentType },
    });
    expect(res.status).toBe(status);
    if (status === 415) expect(res.json).toEqual({ status: 'NOK', statusReason: 'NO_REQUEST' });
  });

  it('is 415 NO_REQUEST on the identification status, 415 INCOMPLETE_REQUEST on sign_document', async () => {
    const status = await b2bRaw(
      sb,
      '/user_identification/status',
      { partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN', asyncRespID: 'x' },
      { headers: { 'content-type': 'text/plain' } },
    );
    expect(status).toMatchObject({ status: 415, json: { status: 'NOK', statusReason: 'NO_REQUEST' } });
    for (const body of [signStartBody(userCode, digestOf('ct')), signStatusBody('a'.repeat(36))]) {
      const sign = await b2bRaw(sb, '/sign_document', body, { headers: { 'content-type': 'text/plain' } });
      expect(sign.status).toBe(415);
      expect(signResponseSchema.parse(sign.json).result).toMatchObject({
        maj: ResultMajor.RequesterError,
        min: 'INCOMPLETE_REQUEST',
      });
    }
  });

  it('does not apply to the discovery GET (no body)', async () => {
    const res = await b2bRaw(sb, '/.well-known/configuration', undefined, {
      method: 'GET',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
  });
});

describe('userCode: exactly 36 characters (swagger minLength = maxLength = 36)', () => {
  it.each([
    ['35 characters', 'a'.repeat(35)],
    ['37 characters', 'a'.repeat(37)],
    ['empty', ''],
    ['a number', 123],
  ])('identification with a userCode of %s → 400 ERROR', async (_, value) => {
    const res = await b2bRaw(sb, '/user_identification', identificationBody({ userCode: value }));
    expectNok(res, 400, 'ERROR');
  });

  it('identification with an unknown userCode of 36 characters, or null, is accepted (the phone step follows)', async () => {
    for (const value of ['z'.repeat(36), null]) {
      const res = await b2bRaw(sb, '/user_identification', identificationBody({ userCode: value }));
      expect(res.status).toBe(200);
    }
  });

  it.each([
    ['35', 35],
    ['37', 37],
  ])('sign start with a userCode of %s characters → 400 INCOMPLETE_REQUEST', async (_, n) => {
    const res = await b2bRaw(sb, '/sign_document', signStartBody('a'.repeat(n), digestOf('uc')));
    expect(res.status).toBe(400);
    expect(signResponseSchema.parse(res.json).result).toMatchObject({
      maj: ResultMajor.RequesterError,
      min: 'INCOMPLETE_REQUEST',
    });
  });
});

describe('label languages: EN, FR, NL, DE, each at most once', () => {
  const description = ['optInp', 'itsme', 'description'];
  const signerRole = ['optInp', 'itsme', 'signPolicy', 'signerRole'];
  const label = (lang: string, value = 'Contract') => ({ lang, value });

  it.each([
    ['description in IT', description, [label('EN'), label('IT')]],
    ['description with EN twice', description, [label('EN'), label('EN', 'Other')]],
    ['description with en and EN', description, [label('en'), label('EN')]],
    ['signerRole in XX', signerRole, [label('XX')]],
    ['signerRole with DE twice', signerRole, [label('DE'), label('FR'), label('DE')]],
    ['an empty lang', signerRole, [label('')]],
  ])('%s → 400 INVALID_LANGUAGE', async (_, path, value) => {
    const res = await b2bRaw(
      sb,
      '/sign_document',
      withPath(signStartBody(userCode, digestOf('l')), path, value),
    );
    expect(res.status).toBe(400);
    const parsed = signResponseSchema.parse(res.json);
    expect(parsed.result).toMatchObject({ maj: ResultMajor.RequesterError, min: 'INVALID_LANGUAGE' });
    expect(parsed.reqID).toBe('req-1');
  });

  it('accepts the four languages once each, in any case', async () => {
    const four = ['en', 'Fr', 'NL', 'de'].map((l) => label(l));
    const body = withPath(
      withPath(signStartBody(userCode, digestOf('l4')), description, four),
      signerRole,
      four,
    );
    const res = await b2bRaw(sb, '/sign_document', body);
    expect(res.status).toBe(200);
    expect(signResponseSchema.parse(res.json).result.maj).toBe(ResultMajor.Pending);
  });
});

describe('the sign status request: inDocs null and reqID required', () => {
  let respID: string;
  beforeAll(async () => {
    respID = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStartBody(userCode, digestOf('status')))).json,
    ).respID as string;
  });

  it.each([
    ['no reqID', () => withPath(signStatusBody(respID), ['reqID'], undefined), undefined],
    ['an empty reqID', () => signStatusBody(respID, { reqID: '' }), undefined],
    ['no inDocs', () => withPath(signStatusBody(respID), ['inDocs'], undefined), 'req-2'],
    ['inDocs with a docHash', () => signStatusBody(respID, { inDocs: { docHash: [] } }), 'req-2'],
    ['inDocs {}', () => signStatusBody(respID, { inDocs: {} }), 'req-2'],
  ])('%s → 400 INCOMPLETE_REQUEST', async (_, body, reqID) => {
    const res = await b2bRaw(sb, '/sign_document', body());
    expect(res.status).toBe(400);
    const parsed = signResponseSchema.parse(res.json);
    expect(parsed.result).toMatchObject({ maj: ResultMajor.RequesterError, min: 'INCOMPLETE_REQUEST' });
    expect(parsed.reqID).toBe(reqID);
    // A refused status request is not a status call of the session.
    expect(sb.stats().statusCallsBySession[respID]).toBeUndefined();
  });

  it('echoes the status request’s own reqID', async () => {
    const res = await b2bRaw(sb, '/sign_document', signStatusBody(respID, { reqID: 'ReqIDmine' }));
    expect(res.status).toBe(200);
    expect(signResponseSchema.parse(res.json)).toMatchObject({
      reqID: 'ReqIDmine',
      result: { maj: ResultMajor.Pending },
    });
  });
});

describe('the user’s time to act counts from the push to the app', () => {
  it('a CREATE_CERT pushed late still has the whole action time, then expires', async () => {
    const started = await startIdentification();
    await sleep(ACTION_TIMEOUT_MS * 0.7); // the user is slow to type the number
    await submitPhone(started.identificationUrl, `+3249${Date.now().toString().slice(-7)}`); // a new number: CREATE_CERT
    expect(sb.control.sessions().find((s) => s.id === started.asyncRespID)).toMatchObject({
      state: 'waiting-app',
      action: 'CREATE_CERT',
    });
    await sleep(ACTION_TIMEOUT_MS * 0.7); // 1.4× the action time after the start, 0.7× after the push
    expect((await identificationStatus(started.asyncRespID)).json).toEqual({
      status: 'NOK',
      statusReason: 'PENDING',
    });
    await sleep(ACTION_TIMEOUT_MS * 0.5); // 1.2× after the push
    const expired = await identificationStatus(started.asyncRespID);
    expect(expired).toMatchObject({ status: 409, json: { status: 'NOK', statusReason: 'EXPIRED' } });
  });

  it('a number never typed ends the session action time after its start', async () => {
    const started = await startIdentification();
    await sleep(ACTION_TIMEOUT_MS * 1.2);
    expect((await identificationStatus(started.asyncRespID)).json).toEqual({
      status: 'NOK',
      statusReason: 'EXPIRED',
    });
  });

  it('a sign action reaches the app when the signing page opens: the time counts from then', async () => {
    const started = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStartBody(userCode, digestOf('late page')))).json,
    );
    await sleep(ACTION_TIMEOUT_MS * 0.7);
    expect((await fetch(started.signingUrl as string)).status).toBe(200); // the push to the app
    await sleep(ACTION_TIMEOUT_MS * 0.7);
    const signed = await sb.control.sign({ url: started.signingUrl as string });
    expect(signed.state).toBe('signed');
  });
});

describe('SIGNATURE_NOT_ALLOWED and UNEXPECTED_ERROR from their causes', () => {
  it(`an account that may not sign (${SIGNATURE_NOT_ALLOWED_PHONE}) ends at the phone number: 409 SIGNATURE_NOT_ALLOWED`, async () => {
    const started = await startIdentification();
    const acted = await sb.control.identify({
      url: started.identificationUrl,
      phone: SIGNATURE_NOT_ALLOWED_PHONE,
    });
    expect(acted).toEqual({ redirectUrl: REDIRECT_URL, state: 'not-allowed' });
    const res = await identificationStatus(started.asyncRespID);
    expectNok(res, 409, 'SIGNATURE_NOT_ALLOWED');
    // The browser is sent back, with a message.
    const q = new URL(started.identificationUrl).searchParams.get('q') as string;
    const state = (await (
      await fetch(`${sb.frontUrl}/qes/session-state?q=${q}&language=EN`)
    ).json()) as Record<string, string>;
    expect(state).toMatchObject({ state: 'not-allowed', redirectUrl: REDIRECT_URL });
    expect(state.message).toMatch(/cannot sign/);
  });

  it('the same number typed on the page ends the same way (nothing reaches the app)', async () => {
    const started = await startIdentification();
    await submitPhone(started.identificationUrl, SIGNATURE_NOT_ALLOWED_PHONE);
    const res = await identificationStatus(started.asyncRespID);
    expect(res.json).toEqual({ status: 'NOK', statusReason: 'SIGNATURE_NOT_ALLOWED' });
  });

  it('an identification flow that breaks at itsme® (control action error): 409 UNEXPECTED_ERROR', async () => {
    const started = await startIdentification();
    const res = await fetch(`${sb.controlUrl}/identify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: started.identificationUrl, phone: '+32470008002', action: 'error' }),
    });
    expect(await res.json()).toEqual({ redirectUrl: REDIRECT_URL, state: 'failed' });
    const status = await identificationStatus(started.asyncRespID);
    expectNok(status, 409, 'UNEXPECTED_ERROR');
  });

  it('a partner validation failure at itsme® (fault unexpectedError): 400 UNEXPECTED_ERROR at the start', async () => {
    sb.setFault('identification', { kind: 'unexpectedError', times: 1 });
    const res = await b2bRaw(sb, '/user_identification', identificationBody());
    expectNok(res, 400, 'UNEXPECTED_ERROR');
    expect((await b2bRaw(sb, '/user_identification', identificationBody())).status).toBe(200);
    expect(() => sb.setFault('sign', { kind: 'unexpectedError' })).toThrow(/identification only/);
  });
});
