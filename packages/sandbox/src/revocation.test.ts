/**
 * Revocation data of the sandbox CAs, checked with openssl: OCSP (POST and GET, nonce, delegated responder), CRLs,
 * `openssl verify -crl_check`, revocation through the control API (HTTP and in-process).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from './crypto-provider.js';
import { type Sandbox, startSandbox } from './index.js';
import { openssl, opensslAny } from './test-support/openssl.js';
import { identifyUser } from './test-support/users.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sbx-revocation-'));
const scratch = mkdtempSync(join(tmpdir(), 'sbx-revocation-files-'));
const file = (name: string, content?: string | Buffer) => {
  const f = join(scratch, name);
  if (content !== undefined) writeFileSync(f, content);
  return f;
};
let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ dataDir });
  file('root.pem', sb.credentials.rootCaPem);
  file('issuing.pem', sb.credentials.issuingCaPem);
  file('tsa.pem', sb.credentials.tsaCertPem);
});

afterAll(async () => {
  await sb?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** `openssl ocsp` over HTTP POST for a certificate issued by the qualified CA (or the root, with `ca: 'root'`). */
function ocspArgs(certFile: string, ca: 'issuing' | 'root' = 'issuing'): string[] {
  const issuer = ca === 'issuing' ? file('issuing.pem') : file('root.pem');
  const url = ca === 'issuing' ? sb.revocation.issuingCa.ocspUrl : sb.revocation.rootCa.ocspUrl;
  return ['ocsp', '-issuer', issuer, '-cert', certFile, '-url', url, '-CAfile', file('root.pem')];
}

const issuingChain = () => ['-verify_other', file('issuing.pem')];

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('certificates point at the running sandbox', () => {
  it('users, the TSA and the qualified CA carry AIA (OCSP, caIssuers) and CRL distribution points', async () => {
    const user = await identifyUser(sb, '+32470002001');
    const ext = await openssl(
      'x509',
      '-in',
      file('u1.pem', user.certificate),
      '-noout',
      '-ext',
      'authorityInfoAccess,crlDistributionPoints',
    );
    expect(ext).toContain(`OCSP - URI:${sb.revocation.issuingCa.ocspUrl}`);
    expect(ext).toContain(`CA Issuers - URI:${sb.revocation.issuingCa.caIssuersUrl}`);
    expect(ext).toContain(`URI:${sb.revocation.issuingCa.crlUrl}`);
    expect(sb.revocation.issuingCa.ocspUrl).toBe(`${sb.frontUrl}/pki/ocsp/issuing-ca`);
    for (const pem of [sb.credentials.tsaCertPem, sb.credentials.issuingCaPem]) {
      const text = await openssl(
        'x509',
        '-in',
        file('x.pem', pem),
        '-noout',
        '-ext',
        'authorityInfoAccess,crlDistributionPoints',
      );
      expect(text).toContain(`OCSP - URI:${sb.revocation.rootCa.ocspUrl}`);
      expect(text).toContain(`URI:${sb.revocation.rootCa.crlUrl}`);
    }
    // caIssuers serves the issuer in DER
    const res = await fetch(sb.revocation.issuingCa.caIssuersUrl);
    expect(res.headers.get('content-type')).toBe('application/pkix-cert');
    const der = Buffer.from(await res.arrayBuffer());
    expect(new x509.X509Certificate(der).toString('pem')).toBe(
      new x509.X509Certificate(sb.credentials.issuingCaPem).toString('pem'),
    );
  });

  it('the delegated responder certificates have EKU OCSPSigning and ocsp-nocheck, issued by their CA', async () => {
    for (const ca of ['issuingCa', 'rootCa'] as const) {
      const text = await openssl(
        'x509',
        '-in',
        file(`${ca}-ocsp.pem`, sb.revocation[ca].ocspResponderCertPem),
        '-noout',
        '-text',
      );
      expect(text).toMatch(/Extended Key Usage:\s*\n\s*OCSP Signing/);
      expect(text).toContain('OCSP No Check');
      const chain = ca === 'issuingCa' ? ['-untrusted', file('issuing.pem')] : [];
      expect(
        await openssl(
          'verify',
          '-CAfile',
          file('root.pem'),
          ...chain,
          '-purpose',
          'ocsphelper',
          file(`${ca}-ocsp.pem`),
        ),
      ).toContain('OK');
      expect(
        readFileSync(sb.credentials.files[ca === 'issuingCa' ? 'issuingCaOcsp' : 'rootCaOcsp'], 'utf8'),
      ).toBe(sb.revocation[ca].ocspResponderCertPem);
    }
  });
});

describe('OCSP and CRL', () => {
  it('a user is good, then revoked (reason, time) after a revocation over the control API; the CRL lists it', async () => {
    const user = await identifyUser(sb, '+32470002002');
    const cert = file('u2.pem', user.certificate);
    const good = await openssl(...ocspArgs(cert), ...issuingChain(), '-resp_text');
    expect(good).toContain(`${cert}: good`);
    expect(good).toContain('Response verify OK');
    expect(good).toMatch(/OCSP Nonce:/); // openssl sends a nonce by default; the response echoes it
    expect(good).not.toMatch(/no nonce|Nonce Verify error/);
    expect(good).toMatch(/Next Update: /);
    expect(good).toContain('Responder Id: ');
    // openssl verify with the CRL: fine before
    const crlBefore = Buffer.from(await (await fetch(sb.revocation.issuingCa.crlUrl)).arrayBuffer());
    await openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      file('before.crl', crlBefore),
      '-out',
      file('before.crl.pem'),
    );
    expect(
      await openssl(
        'verify',
        '-crl_check',
        '-CRLfile',
        file('before.crl.pem'),
        '-CAfile',
        file('root.pem'),
        '-untrusted',
        file('issuing.pem'),
        cert,
      ),
    ).toContain('OK');

    const time = new Date(Date.now() - 3_600_000);
    time.setMilliseconds(0);
    const revoked = await post(`${sb.controlUrl}/revoke`, {
      userCode: user.userCode,
      reason: 'keyCompromise',
      time: time.toISOString(),
    });
    expect(revoked.status).toBe(200);
    const serial = new x509.X509Certificate(user.certificate).serialNumber.toLowerCase().replace(/^0+/, '');
    expect(revoked.json).toMatchObject({
      ca: 'issuing-ca',
      serial,
      reason: 'keyCompromise',
      time: time.toISOString(),
    });

    const after = await openssl(...ocspArgs(cert), ...issuingChain());
    expect(after).toContain(`${cert}: revoked`);
    expect(after).toContain('Reason: keyCompromise');
    expect(after).toMatch(/Revocation Time: \w+ +\d+ \d\d:\d\d:\d\d \d{4} GMT/);
    expect(after).toContain('Response verify OK');

    const res = await fetch(sb.revocation.issuingCa.crlUrl);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    const crl = file('after.crl', Buffer.from(await res.arrayBuffer()));
    const text = await openssl('crl', '-inform', 'DER', '-in', crl, '-text', '-noout');
    const printed = (await openssl('x509', '-in', cert, '-noout', '-serial')).trim().replace('serial=', '');
    expect(text).toContain(`Serial Number: ${printed}`);
    expect(text).toContain('Key Compromise');
    expect(text).toMatch(/Next Update: /);
    expect(
      await openssl('crl', '-inform', 'DER', '-in', crl, '-noout', '-CAfile', file('issuing.pem'), '-verify'),
    ).toContain('verify OK');
    await openssl('crl', '-inform', 'DER', '-in', crl, '-out', file('after.crl.pem'));
    const verify = await opensslAny(
      'verify',
      '-crl_check',
      '-CRLfile',
      file('after.crl.pem'),
      '-CAfile',
      file('root.pem'),
      '-untrusted',
      file('issuing.pem'),
      cert,
    );
    expect(verify.code).not.toBe(0);
    expect(verify.out).toContain('certificate revoked');
  });

  it('answers GET requests (base64 in the path) as POST ones', async () => {
    const user = await identifyUser(sb, '+32470002003');
    const cert = file('u3.pem', user.certificate);
    await openssl('ocsp', '-issuer', file('issuing.pem'), '-cert', cert, '-reqout', file('req.der'));
    const b64 = readFileSync(file('req.der')).toString('base64');
    const calls = sb.stats().calls.ocsp ?? 0;
    const res = await fetch(`${sb.revocation.issuingCa.ocspUrl}/${encodeURIComponent(b64)}`);
    expect(sb.stats().calls.ocsp).toBe(calls + 1); // counted, for tests of a client's cache
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    const resp = file('get.der', Buffer.from(await res.arrayBuffer()));
    // -reqin: openssl checks the response's nonce against the request's
    const out = await openssl(
      'ocsp',
      '-respin',
      resp,
      '-reqin',
      file('req.der'),
      '-CAfile',
      file('root.pem'),
      ...issuingChain(),
      '-resp_text',
    );
    expect(out).toContain('Cert Status: good');
    expect(out).toContain('Response verify OK');
    expect(out).not.toContain('Nonce Verify error');
  });

  it('revokes the TSA certificate in-process: the root responder and CRL say so', async () => {
    const r = await sb.control.revoke({ certificate: 'tsa', reason: 'cessationOfOperation' });
    expect(r.ca).toBe('root-ca');
    const out = await openssl(...ocspArgs(file('tsa.pem'), 'root'));
    expect(out).toContain('revoked');
    expect(out).toContain('Reason: cessationOfOperation');
    expect(out).toContain('Response verify OK');
    const crl = file('root.crl', Buffer.from(await (await fetch(sb.revocation.rootCa.crlUrl)).arrayBuffer()));
    expect(await openssl('crl', '-inform', 'DER', '-in', crl, '-text', '-noout')).toContain(
      'Cessation Of Operation',
    );
    expect((await sb.control.revocations()).map((x) => x.ca)).toContain('root-ca');
  });

  it('says unknown for a serial the CA never issued, and refuses bad revocations', async () => {
    const out = await openssl(
      'ocsp',
      '-issuer',
      file('issuing.pem'),
      '-serial',
      '0x0badc0ffee',
      '-url',
      sb.revocation.issuingCa.ocspUrl,
      '-CAfile',
      file('root.pem'),
      ...issuingChain(),
    );
    expect(out).toContain('0x0badc0ffee: unknown');
    expect((await post(`${sb.controlUrl}/revoke`, { serial: '0badc0ffee' })).status).toBe(404);
    expect((await post(`${sb.controlUrl}/revoke`, { userCode: 'x', reason: 'bored' })).status).toBe(400);
    expect((await post(`${sb.controlUrl}/revoke`, {})).status).toBe(400);
    expect(
      (
        await post(`${sb.controlUrl}/revoke`, {
          certificate: 'tsa',
          time: new Date(Date.now() + 86_400_000).toISOString(),
        })
      ).status,
    ).toBe(400);
  });
});
