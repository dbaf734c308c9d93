/** The RFC 3161 TSA, checked with openssl (`ts -reply -text`, `ts -verify`). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';

let sb: Sandbox;
let dir: string;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: inject('sandboxDataDir') });
  dir = mkdtempSync(join(tmpdir(), 'sbx-tsa-'));
  writeFileSync(join(dir, 'data.bin'), 'a signature value to time-stamp');
  writeFileSync(join(dir, 'root.pem'), sb.credentials.rootCaPem);
  writeFileSync(join(dir, 'tsa.pem'), sb.credentials.tsaCertPem);
});

afterAll(async () => {
  await sb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function stamp(query: Buffer): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(sb.tsaUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: new Uint8Array(query),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

describe('TSA', () => {
  it.each([
    ['with the certificate and a nonce', ['-cert'], '-sha256'],
    ['without the certificate, no nonce, SHA-512', ['-no_nonce'], '-sha512'],
  ])('grants a token %s that openssl verifies', async (_name, flags, hash) => {
    const tsq = join(dir, `req${hash}.tsq`);
    const tsr = join(dir, `resp${hash}.tsr`);
    openssl('ts', '-query', '-data', join(dir, 'data.bin'), hash, ...flags, '-out', tsq);
    const res = await stamp(readFileSync(tsq));
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/timestamp-reply');
    writeFileSync(tsr, res.body);
    const text = openssl('ts', '-reply', '-in', tsr, '-text');
    expect(text).toContain('Status: Granted.');
    expect(text).toContain('Policy OID: 1.3.6.1.4.1.49274.99.2');
    expect(text).toMatch(/TSA: DirName:.*itsme Sandbox TSA/);
    const verified = openssl(
      'ts',
      '-verify',
      '-in',
      tsr,
      '-queryfile',
      tsq,
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'tsa.pem'),
    );
    expect(verified.trim()).toBe('Verification: OK');
  });

  it('rejects a request that is not a TimeStampReq', async () => {
    const res = await stamp(Buffer.from('hello'));
    const tsr = join(dir, 'bad.tsr');
    writeFileSync(tsr, res.body);
    expect(openssl('ts', '-reply', '-in', tsr, '-text')).toContain('Status: Rejected.');
  });
});
