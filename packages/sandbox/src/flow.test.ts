/**
 * The whole flow over real mutual TLS with a plain undici client, as core's B2B client does it:
 * identify → (control) approve → status → sign start → (control) approve → sign status → the signature verifies.
 */
import { execFileSync } from 'node:child_process';
import { createVerify, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  identificationResponseSchema,
  identificationStatusResponseSchema,
  ResultMajor,
  signResponseSchema,
  splitPemCertificates,
} from '@itsme-sign/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';
import {
  digestOf,
  identificationBody,
  REDIRECT_URL,
  signStartBody,
  signStatusBody,
} from './test-support/requests.js';
import { loadUndici, type UndiciLike } from './test-support/undici.js';

const scratch = mkdtempSync(join(tmpdir(), 'sbx-flow-'));
let sb: Sandbox;
let undici: UndiciLike;
let agent: InstanceType<UndiciLike['Agent']>;

async function call(path: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await undici.request(`${sb.b2bUrl}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: text ? JSON.parse(text) : undefined };
}

async function identify(phone: string) {
  const start = await call('/user_identification', identificationBody());
  expect(start.status).toBe(200);
  const started = identificationResponseSchema.parse(start.json);
  const pending = await call('/user_identification/status', {
    partnerCode: 'DEMO',
    serviceCode: 'DEMO_SIGN',
    asyncRespID: started.asyncRespID,
  });
  expect(pending).toMatchObject({ status: 409, json: { status: 'NOK', statusReason: 'PENDING' } });
  const acted = await sb.control.identify({ url: started.identificationUrl, phone });
  expect(acted.redirectUrl).toBe(REDIRECT_URL);
  const status = await call('/user_identification/status', {
    partnerCode: 'DEMO',
    serviceCode: 'DEMO_SIGN',
    asyncRespID: started.asyncRespID,
  });
  expect(status.status).toBe(200);
  const identified = identificationStatusResponseSchema.parse(status.json);
  expect(identified.userCode).toBe(acted.userCode);
  return identified;
}

async function signDigest(userCode: string, digest: string) {
  const start = await call('/sign_document', signStartBody(userCode, digest));
  expect(start.status).toBe(200);
  const started = signResponseSchema.parse(start.json);
  expect(started.result.maj).toBe(ResultMajor.Pending);
  expect(started.userCode).toBe(userCode);
  const respID = started.respID as string;
  const pending = signResponseSchema.parse((await call('/sign_document', signStatusBody(respID))).json);
  expect(pending.result.maj).toBe(ResultMajor.Pending);
  await sb.control.sign({ url: started.signingUrl as string });
  const done = await call('/sign_document', signStatusBody(respID));
  expect(done.status).toBe(200);
  return { respID, response: signResponseSchema.parse(done.json) };
}

beforeAll(async () => {
  undici = await loadUndici();
  sb = await startSandbox({ dataDir: inject('sandboxDataDir') });
  sb.addRedirectUrl(REDIRECT_URL);
  agent = new undici.Agent({
    connect: {
      cert: sb.credentials.clientCertPem,
      key: sb.credentials.clientKeyPem,
      ca: sb.credentials.caCertPem,
    },
  });
});

afterAll(async () => {
  await agent?.close();
  await sb?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('identify → sign → verify (RSA user)', () => {
  it('returns a QES certificate with its chain, and a signature value that verifies', async () => {
    const identified = await identify('+32470000101');
    expect(identified.certificateChain).toHaveLength(3);
    const cert = new X509Certificate(identified.certificate);
    expect(cert.subject).toMatch(/serialNumber=PNOBE-\d{11}/);
    expect(cert.issuer).toContain('CN=itsme Sandbox Qualified CA');
    expect(cert.verify(new X509Certificate(identified.certificateChain[1] as string).publicKey)).toBe(true);

    const data = Buffer.from('the data to be signed (CMS signed attributes, in real life)');
    const before = sb.stats();
    const { respID, response } = await signDigest(identified.userCode, digestOf(data));
    expect(response.result.maj).toBe(ResultMajor.Success);
    expect(response.signatures).toHaveLength(1);
    expect(response.signatures[0]?.whichDoc).toBe('contract.pdf');
    const signature = Buffer.from(response.signatures[0]?.value as string, 'base64');
    expect(verify('sha256', data, cert.publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('other data'), cert.publicKey, signature)).toBe(false);

    // openssl: the same check with the certificate's public key
    const dir = mkdtempSync(join(scratch, 'openssl-'));
    writeFileSync(join(dir, 'data.bin'), data);
    writeFileSync(join(dir, 'sig.bin'), signature);
    writeFileSync(join(dir, 'pub.pem'), cert.publicKey.export({ type: 'spki', format: 'pem' }));
    const out = execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        join(dir, 'pub.pem'),
        '-signature',
        join(dir, 'sig.bin'),
        join(dir, 'data.bin'),
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('Verified OK');
    // and the chain to the root with openssl verify
    writeFileSync(join(dir, 'leaf.pem'), identified.certificate);
    writeFileSync(join(dir, 'issuing.pem'), identified.certificateChain[1] as string);
    writeFileSync(join(dir, 'root.pem'), sb.credentials.rootCaPem);
    const chain = execFileSync(
      'openssl',
      [
        'verify',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'issuing.pem'),
        join(dir, 'leaf.pem'),
      ],
      { encoding: 'utf8' },
    );
    expect(chain.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);

    const after = sb.stats();
    expect(after.signSessionsStarted - before.signSessionsStarted).toBe(1);
    expect(after.signaturesProduced - before.signaturesProduced).toBe(1);
    expect(after.statusCallsBySession[respID]).toBe(2);
  });

  it('returns the same user (and certificate) for the same phone number', async () => {
    const a = await identify('+32470000102');
    const b = await identify('+32 470 00 01 02');
    expect(b.userCode).toBe(a.userCode);
    expect(b.certificate).toBe(a.certificate);
  });

  it('accepts the 2019 guide extras in a sign request and ignores them', async () => {
    const { userCode } = await identify('+32470000101');
    const body = signStartBody(userCode, digestOf('x')) as Record<string, unknown> & {
      optInp: Record<string, unknown> & { itsme: Record<string, unknown> };
    };
    Object.assign(body.optInp, {
      profile: ['urn:be:itsme:dss:1.0', 'urn:oasis:names:tc:dss:1.0:profiles:asynchronousprocessing'],
      policy: [],
      nonce: null,
      sigAlgo: null,
    });
    Object.assign(body.optInp.itsme, { callbackUrl: null, expiryTimestamp: null, legalNotice: null });
    const res = await call('/sign_document', body);
    expect(res.status).toBe(200);
    expect(signResponseSchema.parse(res.json).result.maj).toBe(ResultMajor.Pending);
  });
});

describe('EC P-256 users', () => {
  let ec: Sandbox;
  let ecAgent: InstanceType<UndiciLike['Agent']>;
  beforeAll(async () => {
    ec = await startSandbox({ dataDir: mkdtempSync(join(scratch, 'ec-')), userKeyType: 'ec' });
    ec.addRedirectUrl(REDIRECT_URL);
    ecAgent = new undici.Agent({
      connect: {
        cert: ec.credentials.clientCertPem,
        key: ec.credentials.clientKeyPem,
        ca: ec.credentials.caCertPem,
      },
    });
  });
  afterAll(async () => {
    await ecAgent?.close();
    await ec?.close();
  });

  it('signs the digest with ECDSA (DER) that verifies with the certificate, in node and in openssl', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await undici.request(`${ec.b2bUrl}${path}`, {
        method: 'POST',
        dispatcher: ecAgent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return JSON.parse(await res.body.text()) as unknown;
    };
    const started = identificationResponseSchema.parse(
      await post('/user_identification', identificationBody()),
    );
    await ec.control.identify({ url: started.identificationUrl, phone: '+32470000201' });
    const identified = identificationStatusResponseSchema.parse(
      await post('/user_identification/status', {
        partnerCode: 'DEMO',
        serviceCode: 'DEMO_SIGN',
        asyncRespID: started.asyncRespID,
      }),
    );
    const cert = new X509Certificate(identified.certificate);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    const data = Buffer.from('EC data to be signed');
    const sign = signResponseSchema.parse(
      await post('/sign_document', signStartBody(identified.userCode, digestOf(data))),
    );
    await ec.control.sign({ url: sign.signingUrl as string });
    const done = signResponseSchema.parse(
      await post('/sign_document', signStatusBody(sign.respID as string)),
    );
    const signature = Buffer.from(done.signatures[0]?.value as string, 'base64');
    expect(createVerify('sha256').update(data).verify(cert.publicKey, signature)).toBe(true);

    const dir = mkdtempSync(join(scratch, 'openssl-ec-'));
    writeFileSync(join(dir, 'digest.bin'), Buffer.from(digestOf(data), 'base64'));
    writeFileSync(join(dir, 'sig.der'), signature);
    writeFileSync(join(dir, 'cert.pem'), identified.certificate);
    // pkeyutl checks the raw ECDSA signature over the digest itself, with the key of the certificate
    const out = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-certin',
        '-inkey',
        join(dir, 'cert.pem'),
        '-in',
        join(dir, 'digest.bin'),
        '-sigfile',
        join(dir, 'sig.der'),
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('Signature Verified Successfully');
    expect(splitPemCertificates(identified.certificateChain.join(''))).toHaveLength(3);
  });
});

describe('user outcomes and session lifecycle', () => {
  async function startSign(phone: string) {
    const { userCode } = await identify(phone);
    const started = signResponseSchema.parse(
      (await call('/sign_document', signStartBody(userCode, digestOf(phone)))).json,
    );
    return { respID: started.respID as string, signingUrl: started.signingUrl as string };
  }

  it.each([
    ['reject', 'REJECTED'],
    ['wrong-icon', 'REJECTED'],
    ['expire', 'EXPIRED'],
  ] as const)('sign action %s ends as %s (RequesterError, 409)', async (action, min) => {
    const { respID, signingUrl } = await startSign('+32470000101');
    const acted = await sb.control.sign({ url: signingUrl, action });
    expect(acted.redirectUrl).toBe(REDIRECT_URL);
    const res = await call('/sign_document', signStatusBody(respID));
    expect(res.status).toBe(409);
    const parsed = signResponseSchema.parse(res.json);
    expect(parsed.result).toMatchObject({ maj: ResultMajor.RequesterError, min });
    expect(parsed.signatures).toEqual([]);
  });

  it.each([
    ['reject', 'REJECTED'],
    ['expire', 'EXPIRED'],
  ] as const)('identification action %s ends as 409 %s', async (action, reason) => {
    const started = identificationResponseSchema.parse(
      (await call('/user_identification', identificationBody())).json,
    );
    await sb.control.identify({ url: started.identificationUrl, phone: '+32470000101', action });
    const res = await call('/user_identification/status', {
      partnerCode: 'DEMO',
      serviceCode: 'DEMO_SIGN',
      asyncRespID: started.asyncRespID,
    });
    expect(res).toMatchObject({ status: 409, json: { status: 'NOK', statusReason: reason } });
  });

  it('expires sessions the user does not act on within actionTimeoutMs', async () => {
    const short = await startSandbox({ dataDir: inject('sandboxDataDir'), actionTimeoutMs: 1 });
    try {
      short.addRedirectUrl(REDIRECT_URL);
      const { b2bRaw } = await import('@itsme-sign/test-support/sandbox');
      const started = identificationResponseSchema.parse(
        (await b2bRaw(short, '/user_identification', identificationBody())).json,
      );
      await new Promise((r) => setTimeout(r, 20));
      const res = await b2bRaw(short, '/user_identification/status', {
        partnerCode: 'DEMO',
        serviceCode: 'DEMO_SIGN',
        asyncRespID: started.asyncRespID,
      });
      expect(res).toMatchObject({ status: 409, json: { status: 'NOK', statusReason: 'EXPIRED' } });
      await expect(short.control.identify({ url: started.identificationUrl })).rejects.toThrow(/expired/);
    } finally {
      await short.close();
    }
  });

  it('keeps concurrent sessions independent', async () => {
    const phones = ['+32470000301', '+32470000302', '+32470000303', '+32470000304'];
    const users = await Promise.all(phones.map((p) => identify(p)));
    expect(new Set(users.map((u) => u.userCode)).size).toBe(4);
    const data = phones.map((p) => Buffer.from(`document of ${p}`));
    const results = await Promise.all(
      users.map((u, i) => signDigest(u.userCode, digestOf(data[i] as Buffer))),
    );
    results.forEach(({ response }, i) => {
      const cert = new X509Certificate(users[i]?.certificate as string);
      const sig = Buffer.from(response.signatures[0]?.value as string, 'base64');
      expect(verify('sha256', data[i] as Buffer, cert.publicKey, sig)).toBe(true);
    });
  });

  it('bounds memory: at most maxSessions sessions are kept', async () => {
    const small = await startSandbox({ dataDir: inject('sandboxDataDir'), maxSessions: 3 });
    try {
      small.addRedirectUrl(REDIRECT_URL);
      const { b2bRaw } = await import('@itsme-sign/test-support/sandbox');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = identificationResponseSchema.parse(
          (await b2bRaw(small, '/user_identification', identificationBody())).json,
        );
        ids.push(r.asyncRespID);
      }
      // Never more than the cap (eviction goes down to 90% of it at once).
      expect(small.control.sessions().length).toBeLessThanOrEqual(3);
      expect(small.control.sessions().length).toBeGreaterThanOrEqual(2);
      // the oldest are gone: unknown id → 409 with an empty body
      const gone = await b2bRaw(small, '/user_identification/status', {
        partnerCode: 'DEMO',
        serviceCode: 'DEMO_SIGN',
        asyncRespID: ids[0],
      });
      expect(gone).toMatchObject({ status: 409, text: '' });
    } finally {
      await small.close();
    }
  });
});
