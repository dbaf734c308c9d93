import { createTestPki, type TestPki } from '@itsme-sign/test-support/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItsmeSignError } from '../errors.js';
import { type MtlsServer, startMtlsServer } from '../test-support/mtls-server.js';
import { ResultMajor } from '../wire/constants.js';
import { B2BClient, type B2BClientOptions } from './b2b-client.js';
import { DiscoveryCache } from './discovery.js';

let pki: TestPki;
let server: MtlsServer;
const USER_CODE = '9o8f04wm1g0bdc8gmgcuxp2ehgn7txh0x2kq';
const DIGEST = Buffer.alloc(32, 7).toString('base64');

const options = (extra: Partial<B2BClientOptions> = {}): B2BClientOptions => ({
  baseUrl: server.url,
  partnerCode: 'PARTNER',
  serviceCode: 'SERVICE',
  credentials: { cert: pki.clientCert, key: pki.clientKey },
  ca: pki.caCert,
  timeoutMs: 2_000,
  retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 },
  ...extra,
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ItsmeSignError);
    const err = e as ItsmeSignError;
    const text = `${err.message} ${JSON.stringify(err)} ${String(err.cause)}`;
    expect(text).not.toContain('PRIVATE KEY');
    return err.code;
  }
  throw new Error('expected a rejection');
}

const signInput = () => ({
  userCode: USER_CODE,
  documents: [{ id: 'contract.pdf', digest: DIGEST }],
  lang: 'FR',
  redirectUrl: 'https://sca.example/callback',
  signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0',
  signerRole: 'Gérant',
});

beforeAll(async () => {
  pki = createTestPki();
  server = await startMtlsServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert });
});
afterAll(async () => {
  await server?.close();
});

describe('B2B client over real mutual TLS', () => {
  it('presents the client certificate and sends exactly the swagger request', async () => {
    server.answer('/user_identification', {
      body: { status: 'OK', asyncRespID: 'async-1', identificationUrl: 'https://itsme.example/identify?q=1' },
    });
    const client = new B2BClient(options({ sendPartnerCodeHeader: true }));
    const started = await client.startIdentification({
      lang: 'nl',
      redirectUrl: 'https://sca.example/callback',
    });
    expect(started).toEqual({
      asyncRespID: 'async-1',
      identificationUrl: 'https://itsme.example/identify?q=1',
    });
    const seen = server.seen.at(-1)!;
    expect(seen.peerCn).toBe('client');
    expect(seen.headers['x-partner-code']).toBe('PARTNER');
    expect(seen.body).toEqual({
      partnerCode: 'PARTNER',
      serviceCode: 'SERVICE',
      lang: 'NL',
      redirectUrl: 'https://sca.example/callback',
    });
    await client.close();
  });

  it("a gateway's answers keep their meaning on every call: refused client, wrong URL, Retry-After", async () => {
    const client = new B2BClient(options({ retry: { retries: 0 } }));
    const html = '<html><body><h1>Error</h1></body></html>';
    const gateway = (status: number, headers: Record<string, string> = {}) => ({
      status,
      headers: { 'content-type': 'text/html', ...headers },
      raw: html,
    });
    const errorOf = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e as ItsmeSignError;
      }
      throw new Error('no error');
    };
    server.answer('/.well-known/configuration', gateway(403));
    expect((await errorOf(client.getDiscovery())).code).toBe('CLIENT_NOT_AUTHORIZED');
    server.answer('/.well-known/configuration', gateway(404));
    expect((await errorOf(client.getDiscovery())).code).toBe('INVALID_CONFIG');
    server.answer('/.well-known/configuration', gateway(429, { 'retry-after': '7' }));
    expect(await errorOf(client.getDiscovery())).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryAfterMs: 7_000,
    });
    server.answer('/user_identification', gateway(429, { 'retry-after': '7' }));
    const start = client.startIdentification({ lang: 'EN', redirectUrl: 'https://sca.example/callback' });
    expect(await errorOf(start)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfterMs: 7_000 });
    await client.close();
  });

  it('accepts the client certificate as PKCS#12 with a passphrase', async () => {
    server.answer('/.well-known/configuration', { status: 500 });
    const client = new B2BClient(
      options({
        credentials: { pfx: pki.clientPfx, passphrase: pki.clientPfxPassphrase },
        retry: { retries: 0 },
      }),
    );
    expect(await codeOf(client.getDiscovery())).toBe('UPSTREAM_ERROR');
    expect(server.seen.at(-1)?.peerCn).toBe('client');
    await client.close();
    // A wrong passphrase or a key that does not match the certificate fails at construction, without the secret.
    for (const credentials of [
      { pfx: pki.clientPfx, passphrase: 'wrong' },
      { cert: pki.clientCert, key: pki.rogueClientKey },
    ]) {
      let error: ItsmeSignError | undefined;
      try {
        new B2BClient(options({ credentials }));
      } catch (e) {
        error = e as ItsmeSignError;
      }
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', field: 'credentials' });
      expect(`${error?.message}${JSON.stringify(error)}`).not.toMatch(/wrong|PRIVATE KEY/);
    }
  });

  it('refuses a server whose certificate does not chain to the configured CA', async () => {
    const rogue = await startMtlsServer({ cert: pki.rogueCert, key: pki.rogueKey, ca: pki.caCert });
    const client = new B2BClient(options({ baseUrl: rogue.url, retry: { retries: 0 } }));
    expect(await codeOf(client.getDiscovery())).toBe('TLS_ERROR');
    expect(rogue.seen).toHaveLength(0);
    await client.close();
    await rogue.close();
  });

  it('is refused by the server with a client certificate from another CA', async () => {
    const client = new B2BClient(
      options({ credentials: { cert: pki.rogueClientCert, key: pki.rogueClientKey }, retry: { retries: 0 } }),
    );
    const before = server.seen.length;
    expect(['TLS_ERROR', 'UPSTREAM_UNAVAILABLE']).toContain(await codeOf(client.getDiscovery()));
    expect(server.seen.length).toBe(before);
    await client.close();
  });

  it('refuses http: base URLs and missing credentials at construction', () => {
    expect(() => new B2BClient(options({ baseUrl: 'http://127.0.0.1:1' }))).toThrowError(
      expect.objectContaining({ code: 'INSECURE_URL' }) as Error,
    );
    const { credentials: _c, ...noCreds } = options();
    expect(() => new B2BClient(noCreds)).toThrowError(
      expect.objectContaining({ code: 'MISSING_CREDENTIALS' }) as Error,
    );
    expect(() => new B2BClient(options({ partnerCode: '' }))).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIG', field: 'partnerCode' }) as Error,
    );
  });

  it('maps identification status: pending, identified with chain, rejected, expired, unknown id', async () => {
    const cert = pki.clientCert;
    let answer: () => { status: number; body?: unknown } = () => ({
      status: 409,
      body: { status: 'NOK', statusReason: 'PENDING' },
    });
    server.answer('/user_identification/status', () => answer());
    const client = new B2BClient(options());
    expect(await client.getIdentificationStatus('a1')).toEqual({ state: 'pending' });
    answer = () => ({
      status: 200,
      body: {
        status: 'OK',
        userCode: USER_CODE,
        certificate: cert,
        fullCertificateChain: `${cert}${pki.caCert}`,
      },
    });
    const identified = await client.getIdentificationStatus('a1');
    expect(identified.state === 'identified' && identified.certificateChain).toHaveLength(2);
    answer = () => ({ status: 409, body: { status: 'NOK', statusReason: 'REJECTED' } });
    expect(await client.getIdentificationStatus('a1')).toEqual({ state: 'rejected', reason: 'REJECTED' });
    answer = () => ({ status: 409, body: { status: 'NOK', statusReason: 'EXPIRED' } });
    expect(await client.getIdentificationStatus('a1')).toEqual({ state: 'expired', reason: 'EXPIRED' });
    answer = () => ({ status: 409 });
    expect(await codeOf(client.getIdentificationStatus('a1'))).toBe('UNKNOWN_SESSION');
    answer = () => ({ status: 400, body: { status: 'NOK', statusReason: 'INVALID_REQUESTOR' } });
    expect(await codeOf(client.getIdentificationStatus('a1'))).toBe('INVALID_REQUESTOR');
    // A 200 that says NOK is an answer with its reason, not a malformed success.
    answer = () => ({ status: 200, body: { status: 'NOK', statusReason: 'PENDING' } });
    expect(await client.getIdentificationStatus('a1')).toEqual({ state: 'pending' });
    answer = () => ({ status: 200, body: { status: 'NOK', statusReason: 'INVALID_REQUESTOR' } });
    expect(await codeOf(client.getIdentificationStatus('a1'))).toBe('INVALID_REQUESTOR');
    answer = () => ({ status: 403, body: { status: 'NOK', statusReason: 'UNKNOWN_CLIENT_CERTIFICATE' } });
    expect(await codeOf(client.getIdentificationStatus('a1'))).toBe('CLIENT_NOT_AUTHORIZED');
    await client.close();
  });

  it.each([
    ['MISSING_PARTNER_CODE', 'MISSING_PARTNER_CODE'],
    ['UNAUTHORIZED_URL', 'UNAUTHORIZED_URL'],
    ['INVALID_URL', 'INVALID_URL'],
    ['INVALID_LANG', 'INVALID_LANGUAGE'],
    ['UNEXPECTED_ERROR', 'UPSTREAM_REFUSED'],
    ['SOMETHING_NEW', 'UPSTREAM_REFUSED'],
  ])('identification error %s → %s', async (reason, code) => {
    server.answer('/user_identification', { status: 400, body: { status: 'NOK', statusReason: reason } });
    const client = new B2BClient(options());
    expect(
      await codeOf(client.startIdentification({ lang: 'EN', redirectUrl: 'https://sca.example/cb' })),
    ).toBe(code);
    await client.close();
  });

  it('a refused redirect URL is named in the error, so the one to register is plain to see', async () => {
    server.answer('/user_identification', {
      status: 400,
      body: { status: 'NOK', statusReason: 'UNAUTHORIZED_URL' },
    });
    const client = new B2BClient(options());
    const error = (await client
      .startIdentification({ lang: 'EN', redirectUrl: 'http://127.0.0.1:3000/api/itsme/callback' })
      .catch((e: ItsmeSignError) => e)) as ItsmeSignError;
    expect(error).toMatchObject({ code: 'UNAUTHORIZED_URL', category: 'configuration' });
    expect(error.message).toContain('"http://127.0.0.1:3000/api/itsme/callback"');
    expect(error.message).toMatch(/registered for this service/);
    await client.close();
  });

  it('an identification status 409 UNEXPECTED_ERROR ends the session: not retryable, not an input error', async () => {
    let calls = 0;
    server.answer('/user_identification/status', () => {
      calls++;
      return { status: 409, body: { status: 'NOK', statusReason: 'UNEXPECTED_ERROR' } };
    });
    const client = new B2BClient(options());
    const error = await client.getIdentificationStatus('a1').catch((e: ItsmeSignError) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_REFUSED', retryable: false, category: 'upstream' });
    expect(calls).toBe(1);
    await client.close();
  });

  it('a gateway HTML 401/403 is CLIENT_NOT_AUTHORIZED, a 404 INVALID_CONFIG, on every call (issue 14)', async () => {
    const html = (status: number) => () => ({
      status,
      raw: `<html><body><h1>${status}</h1></body></html>`,
      headers: { 'content-type': 'text/html' },
    });
    const client = new B2BClient(options());
    for (const [status, code] of [
      [401, 'CLIENT_NOT_AUTHORIZED'],
      [403, 'CLIENT_NOT_AUTHORIZED'],
      [404, 'INVALID_CONFIG'],
    ] as const) {
      server.answer('/user_identification', html(status));
      server.answer('/user_identification/status', html(status));
      server.answer('/sign_document', html(status));
      expect(
        await codeOf(client.startIdentification({ lang: 'EN', redirectUrl: 'https://sca.example/cb' })),
      ).toBe(code);
      expect(await codeOf(client.getIdentificationStatus('a1'))).toBe(code);
      expect(await codeOf(client.startSigning(signInput()))).toBe(code);
      expect(await codeOf(client.getSigningStatus('r1'))).toBe(code);
    }
    await client.close();
  });

  it('starts signing with the strict DSS shape and reads the signature from the status', async () => {
    server.answer('/sign_document', (n) =>
      n === 1
        ? {
            body: {
              result: { maj: ResultMajor.Pending },
              reqID: 'x',
              respID: 'resp-1',
              optOutp: { itsme: { signingUrl: 'https://itsme.example/poka?q=2', userCode: USER_CODE } },
            },
          }
        : n === 2
          ? { body: { result: { maj: ResultMajor.Pending }, reqID: 'y', respID: 'resp-1' } }
          : {
              body: {
                result: { maj: ResultMajor.Success },
                reqID: 'z',
                sigObj: [{ b64Sig: { value: 'c2lnbmF0dXJl' }, whichDoc: 'contract.pdf' }],
              },
            },
    );
    const client = new B2BClient(options());
    const started = await client.startSigning(signInput());
    expect(started).toMatchObject({ respID: 'resp-1', signingUrl: 'https://itsme.example/poka?q=2' });
    const startBody = server.seen.at(-1)!.body as {
      inDocs: { docHash: { di: { alg: string; value: string }[] }[] };
      asyncRespID: unknown;
      optInp: { itsme: { signPolicy: { signerRole: unknown[] } } };
    };
    expect(startBody.asyncRespID).toBeNull();
    expect(startBody.inDocs.docHash[0]!.di[0]).toEqual({
      alg: 'http://www.w3.org/2001/04/xmlenc#sha256',
      value: DIGEST,
    });
    expect(startBody.optInp.itsme.signPolicy.signerRole).toHaveLength(4);
    expect(await client.getSigningStatus('resp-1')).toEqual({ state: 'pending' });
    const statusBody = server.seen.at(-1)!.body;
    expect(statusBody).toEqual({
      inDocs: null,
      reqID: expect.stringMatching(/^ReqID/),
      asyncRespID: 'resp-1',
      optInp: { itsme: { partnerCode: 'PARTNER', serviceCode: 'SERVICE' } },
    });
    expect(await client.getSigningStatus('resp-1')).toEqual({
      state: 'signed',
      signatures: [{ signatureValue: 'c2lnbmF0dXJl', whichDoc: 'contract.pdf' }],
    });
    await client.close();
  });

  it('maps DSS errors and user outcomes', async () => {
    let min = 'INVALID_POLICY';
    let maj: string = ResultMajor.RequesterError;
    server.answer('/sign_document', () => ({ status: 400, body: { result: { maj, min }, reqID: 'r' } }));
    const client = new B2BClient(options({ retry: { retries: 0 } }));
    expect(await codeOf(client.startSigning(signInput()))).toBe('INVALID_POLICY');
    min = 'REJECTED';
    expect(await client.getSigningStatus('r1')).toEqual({ state: 'rejected', reason: 'REJECTED' });
    min = 'EXPIRED';
    expect(await client.getSigningStatus('r1')).toEqual({ state: 'expired', reason: 'EXPIRED' });
    min = 'TECHNICAL_ERROR';
    maj = ResultMajor.ResponderError;
    expect(await codeOf(client.getSigningStatus('r1'))).toBe('UPSTREAM_ERROR');
    await client.close();
  });

  it('validates requests before sending: bad digest, signer role, language', async () => {
    const client = new B2BClient(options());
    const before = server.seen.length;
    expect(
      await codeOf(
        client.startSigning({
          ...signInput(),
          documents: [{ id: 'contract.pdf', digest: Buffer.alloc(20).toString('base64') }],
        }),
      ),
    ).toBe('INVALID_DIGEST');
    expect(await codeOf(client.startSigning({ ...signInput(), signerRole: 'x'.repeat(51) }))).toBe(
      'INVALID_REQUEST',
    );
    expect(await codeOf(client.startSigning({ ...signInput(), lang: 'ES' }))).toBe('INVALID_REQUEST');
    expect(server.seen.length).toBe(before);
    await client.close();
  });

  it('names the field of a refused request, codes included (checked by the schema on every call)', async () => {
    const client = new B2BClient(options({ partnerCode: 'P'.repeat(11) }));
    const before = server.seen.length;
    for (const call of [
      client.startIdentification({ lang: 'FR', redirectUrl: 'https://sca.example/callback' }),
      client.getIdentificationStatus('a1'),
      client.startSigning(signInput()),
      client.getSigningStatus('r1'),
    ]) {
      await expect(call).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        field: expect.stringMatching(/partnerCode$/),
      });
    }
    const ok = new B2BClient(options());
    await expect(
      ok.startSigning({
        ...signInput(),
        documents: [
          { id: 'a', digest: DIGEST },
          { id: 'a', digest: DIGEST },
        ],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'inDocs.docHash' });
    await expect(ok.getSigningStatus('')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'asyncRespID',
    });
    expect(server.seen.length).toBe(before);
    await Promise.all([client.close(), ok.close()]);
  });

  it('retries status calls on 500 (honouring Retry-After) but never a sign start', async () => {
    server.answer('/user_identification/status', (n) =>
      n <= 2
        ? {
            status: 500,
            headers: { 'retry-after': '0' },
            body: { status: 'NOK', statusReason: 'TECHNICAL_ERROR' },
          }
        : { status: 409, body: { status: 'NOK', statusReason: 'PENDING' } },
    );
    const client = new B2BClient(options());
    const before = server.seen.length;
    expect(await client.getIdentificationStatus('a-retry')).toEqual({ state: 'pending' });
    expect(server.seen.length - before).toBe(3);

    server.answer('/sign_document', {
      status: 500,
      body: { result: { maj: ResultMajor.ResponderError, min: 'TECHNICAL_ERROR' }, reqID: 'r' },
    });
    const beforeSign = server.seen.length;
    expect(await codeOf(client.startSigning(signInput()))).toBe('UPSTREAM_ERROR');
    expect(server.seen.length - beforeSign).toBe(1);
    await client.close();
  });

  it('times out, never repeats a timed-out sign start, and retries a timed-out status call', async () => {
    server.answer('/sign_document', { hang: true });
    const client = new B2BClient(
      options({ timeoutMs: 300, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } }),
    );
    const before = server.seen.length;
    expect(await codeOf(client.startSigning(signInput()))).toBe('TIMEOUT');
    expect(server.seen.length - before).toBe(1);
    const beforeStatus = server.seen.length;
    expect(await codeOf(client.getSigningStatus('r1'))).toBe('TIMEOUT');
    expect(server.seen.length - beforeStatus).toBe(2);
    await client.close();
  });

  it('stops at once when the caller aborts', async () => {
    server.answer('/user_identification/status', { hang: true });
    const client = new B2BClient(options({ timeoutMs: 10_000 }));
    const ac = new AbortController();
    const pending = client.getIdentificationStatus('a-abort', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await codeOf(pending)).toBe('ABORTED');
    await client.close();
  });

  it('reports a connection reset and a body that is not JSON', async () => {
    server.answer('/.well-known/configuration', { reset: true });
    const client = new B2BClient(options({ retry: { retries: 0 } }));
    expect(await codeOf(client.getDiscovery())).toBe('UPSTREAM_UNAVAILABLE');
    server.answer('/user_identification', { status: 200, raw: '<html>' });
    expect(
      await codeOf(client.startIdentification({ lang: 'EN', redirectUrl: 'https://sca.example/cb' })),
    ).toBe('INVALID_RESPONSE');
    await client.close();
  });

  it('caches discovery and validates language, policy and commitment type', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = JSON.parse(
      readFileSync(new URL('../../../../../shared/itsme/qesdiscovery.json', import.meta.url), 'utf8'),
    );
    server.answer('/.well-known/configuration', { body: doc });
    const client = new B2BClient(options());
    const cache = new DiscoveryCache(client, { ttlMs: 60_000 });
    const before = server.seen.length;
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    expect(server.seen.length - before).toBe(1);
    const resolved = await cache.resolve({ lang: 'fr', signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0' });
    expect(resolved.policy.sigDigestAlg).toBe('SHA256');
    expect(await codeOf(cache.resolve({ lang: 'ES', signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0' }))).toBe(
      'INVALID_LANGUAGE',
    );
    expect(await codeOf(cache.resolve({ signPolicyRef: 'ITSME_DEFAULT' }))).toBe('INVALID_POLICY');
    expect(
      await codeOf(cache.resolve({ signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0', commitmentTypeRef: '9.9' })),
    ).toBe('INVALID_POLICY');
    expect(server.seen.length - before).toBe(1);
    await client.close();
  });
});
