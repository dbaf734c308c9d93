/** Faults of the OCSP responders and CRLs (down, slow, malformed, reset, unknown, stale, untrusted), seen by openssl. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';
import { openssl, opensslAny } from './test-support/openssl.js';
import { identifyUser } from './test-support/users.js';

const scratch = mkdtempSync(join(tmpdir(), 'sbx-revocation-faults-'));
const file = (name: string) => join(scratch, name);
let sb: Sandbox;
let request: Buffer;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: inject('sandboxDataDir') });
  writeFileSync(file('root.pem'), sb.credentials.rootCaPem);
  writeFileSync(file('issuing.pem'), sb.credentials.issuingCaPem);
  writeFileSync(file('user.pem'), (await identifyUser(sb, '+32470003001')).certificate);
  await openssl(
    'ocsp',
    '-issuer',
    file('issuing.pem'),
    '-cert',
    file('user.pem'),
    '-reqout',
    file('req.der'),
  );
  request = readFileSync(file('req.der'));
});

afterEach(() => {
  sb.setFault('ocsp', null);
  sb.setFault('crl', null);
});

afterAll(async () => {
  await sb?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function askOcsp(): Promise<Response> {
  return fetch(sb.revocation.issuingCa.ocspUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request' },
    body: new Uint8Array(request),
  });
}

/** openssl's view of a response to `req.der`. */
async function check(res: Response): Promise<{ code: number; out: string }> {
  writeFileSync(file('resp.der'), Buffer.from(await res.arrayBuffer()));
  return opensslAny(
    'ocsp',
    '-respin',
    file('resp.der'),
    '-reqin',
    file('req.der'),
    '-CAfile',
    file('root.pem'),
    '-verify_other',
    file('issuing.pem'),
    '-resp_text',
  );
}

/** `openssl ocsp` POSTing for the user to the qualified CA's responder. */
function askWithOpenssl(...more: string[]): Promise<{ code: number; out: string }> {
  const url = sb.revocation.issuingCa.ocspUrl;
  const args = ['-issuer', file('issuing.pem'), '-cert', file('user.pem'), '-url', url];
  return opensslAny('ocsp', ...args, '-CAfile', file('root.pem'), ...more);
}

async function crlText(res: Response): Promise<{ code: number; out: string }> {
  writeFileSync(file('c.crl'), Buffer.from(await res.arrayBuffer()));
  return opensslAny(
    'crl',
    '-inform',
    'DER',
    '-in',
    file('c.crl'),
    '-CAfile',
    file('issuing.pem'),
    '-verify',
    '-text',
    '-noout',
  );
}

describe('OCSP and CRL faults', () => {
  it('down: 503, `times` times, then good again', async () => {
    sb.setFault('ocsp', { kind: 'status', status: 503, times: 1 });
    expect((await askOcsp()).status).toBe(503);
    const ok = await check(await askOcsp());
    expect(ok.out).toContain('Cert Status: good');
    expect(ok.out).toContain('Response verify OK');
    sb.setFault('crl', { kind: 'status', status: 503 });
    expect((await fetch(sb.revocation.issuingCa.crlUrl)).status).toBe(503);
    const viaOpenssl = await askWithOpenssl();
    expect(viaOpenssl.out).toContain('good'); // the ocsp fault was used up
  });

  it('slow: answers after the delay', async () => {
    sb.setFault('ocsp', { kind: 'latency', ms: 400 });
    const started = Date.now();
    const res = await askOcsp();
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect((await check(res)).out).toContain('Cert Status: good');
  });

  it('malformed: a garbage body openssl cannot parse', async () => {
    sb.setFault('ocsp', { kind: 'malformed' });
    const res = await askOcsp();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    expect((await check(res)).code).not.toBe(0);
    sb.setFault('crl', { kind: 'malformed' });
    expect((await crlText(await fetch(sb.revocation.issuingCa.crlUrl))).code).not.toBe(0);
  });

  it('reset: the connection drops without an answer', async () => {
    sb.setFault('ocsp', { kind: 'reset', times: 1 });
    await expect(askOcsp()).rejects.toThrow();
  });

  it('unknown: a signed answer with status unknown', async () => {
    sb.setFault('ocsp', { kind: 'unknown' });
    const { out } = await check(await askOcsp());
    expect(out).toContain('Cert Status: unknown');
    expect(out).toContain('Response verify OK');
  });

  it('stale: nextUpdate in the past (OCSP and CRL)', async () => {
    sb.setFault('ocsp', { kind: 'stale' });
    const ocsp = await askWithOpenssl('-verify_other', file('issuing.pem'));
    expect(ocsp.out).toContain('Status times invalid');
    sb.setFault('crl', { kind: 'stale' });
    const res = await fetch(sb.revocation.issuingCa.crlUrl);
    writeFileSync(file('stale.crl'), Buffer.from(await res.arrayBuffer()));
    await openssl('crl', '-inform', 'DER', '-in', file('stale.crl'), '-out', file('stale.crl.pem'));
    const nextUpdate = (await openssl('crl', '-in', file('stale.crl.pem'), '-noout', '-nextupdate'))
      .replace('nextUpdate=', '')
      .trim();
    expect(new Date(nextUpdate).getTime()).toBeLessThan(Date.now());
    const verify = await opensslAny(
      'verify',
      '-crl_check',
      '-CRLfile',
      file('stale.crl.pem'),
      '-CAfile',
      file('root.pem'),
      '-untrusted',
      file('issuing.pem'),
      file('user.pem'),
    );
    expect(verify.out).toContain('CRL has expired');
  });

  it('untrusted: signed by a responder (a CRL by a key) of another CA', async () => {
    sb.setFault('ocsp', { kind: 'untrusted' });
    const { code, out } = await check(await askOcsp());
    expect(code).not.toBe(0);
    expect(out).toContain('Untrusted Rogue CA');
    expect(out).not.toContain('Response verify OK');
    sb.setFault('crl', { kind: 'untrusted' });
    const crl = await crlText(await fetch(sb.revocation.issuingCa.crlUrl));
    expect(crl.out).toContain('verify failure');
  });

  it('over the control API; data faults only where they make sense', async () => {
    const set = (endpoint: string, fault: unknown) =>
      fetch(`${sb.controlUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint, fault }),
      });
    expect((await set('ocsp', { kind: 'unknown', times: 1 })).status).toBe(200);
    expect((await check(await askOcsp())).out).toContain('Cert Status: unknown');
    expect((await check(await askOcsp())).out).toContain('Cert Status: good');
    expect((await set('crl', { kind: 'unknown' })).status).toBe(400);
    expect((await set('signStatus', { kind: 'stale' })).status).toBe(400);
    expect(() => sb.setFault('identification', { kind: 'untrusted' })).toThrow();
  });
});
