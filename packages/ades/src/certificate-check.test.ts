/**
 * `createCertificateCheck` (what core's hash mode calls before any sign call) against the sandbox's real OCSP
 * responders and CRLs: a good user passes, a revoked one is refused, an unreachable responder obeys the mode,
 * stale and untrusted answers are refused, and many checks share one fetch per responder and window.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateCheck } from './certificate-check.js';
import { RevocationCache, type RevocationOptions } from './revocation.js';
import { createTestPki } from './test-support/pki.js';
import { identifiedChain } from './test-support/sandbox-users.js';

let sandbox: Sandbox;
let good: string[];

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-ades-check-')) });
  good = await identifiedChain(sandbox, '+32470556001');
});
afterEach(() => {
  sandbox.setFault('ocsp', null);
  sandbox.setFault('crl', null);
});
afterAll(() => sandbox?.close());

const ocspCalls = () => sandbox.stats().calls.ocsp ?? 0;
const crlCalls = () => sandbox.stats().calls.crl ?? 0;
/** A check with its own cache (nothing answered by an earlier test). */
const check = (revocation: RevocationOptions = {}) =>
  createCertificateCheck({
    trustAnchors: [sandbox.credentials.rootCaPem],
    revocation: { cache: new RevocationCache(), ...revocation },
  });
const down = { kind: 'status', status: 503 } as const;

describe('createCertificateCheck against the sandbox', () => {
  it('a good user passes in every mode; `off` fetches nothing', async () => {
    for (const mode of ['require', 'prefer'] as const) await check({ mode })(good, new Date());
    const before = ocspCalls() + crlCalls();
    await check({ mode: 'off' })(good, new Date());
    expect(ocspCalls() + crlCalls()).toBe(before);
  });

  it('a revoked user is refused (CERTIFICATE_REVOKED), whatever the mode but off', async () => {
    const phone = '+32470556002';
    const chain = await identifiedChain(sandbox, phone);
    await check({ mode: 'require' })(chain, new Date());
    await sandbox.control.revoke({ phone, reason: 'keyCompromise' });
    for (const mode of ['require', 'prefer'] as const)
      await expect(check({ mode })(chain, new Date())).rejects.toMatchObject({
        code: 'CERTIFICATE_REVOKED',
        retryable: false,
        message: expect.stringMatching(/revoked on/),
      });
    // Also when only the CRL answers.
    sandbox.setFault('ocsp', down);
    await expect(check({ mode: 'require' })(chain, new Date())).rejects.toMatchObject({
      code: 'CERTIFICATE_REVOKED',
    });
    await check({ mode: 'off' })(chain, new Date());
  });

  it('responders down: require → REVOCATION_UNAVAILABLE (retryable); prefer and off pass; OCSP down alone falls back to the CRL', async () => {
    sandbox.setFault('ocsp', down);
    const crlBefore = crlCalls();
    await check({ mode: 'require' })(good, new Date());
    expect(crlCalls()).toBeGreaterThan(crlBefore);
    sandbox.setFault('crl', down);
    await expect(check({ mode: 'require' })(good, new Date())).rejects.toMatchObject({
      code: 'REVOCATION_UNAVAILABLE',
      retryable: true,
      message: expect.stringContaining('HTTP 503'),
    });
    await check({ mode: 'prefer' })(good, new Date());
    await check({ mode: 'off' })(good, new Date());
  });

  it('stale and untrusted answers are refused in require and prefer mode (REVOCATION_UNAVAILABLE), not used as evidence', async () => {
    for (const kind of ['stale', 'untrusted'] as const) {
      sandbox.setFault('ocsp', { kind });
      sandbox.setFault('crl', { kind });
      for (const mode of ['require', 'prefer'] as const)
        await expect(check({ mode })(good, new Date()), `${kind} ${mode}`).rejects.toMatchObject({
          code: 'REVOCATION_UNAVAILABLE',
          message: expect.stringMatching(kind === 'stale' ? /stale/ : /does not verify/),
        });
      // A bad OCSP answer alone: the CRL is asked and answers.
      sandbox.setFault('crl', null);
      await check({ mode: 'require' })(good, new Date());
    }
    // `unknown` from OCSP and no CRL: unavailable in require mode, tolerated in prefer mode.
    sandbox.setFault('ocsp', { kind: 'unknown' });
    sandbox.setFault('crl', down);
    await expect(check({ mode: 'require' })(good, new Date())).rejects.toMatchObject({
      code: 'REVOCATION_UNAVAILABLE',
      message: expect.stringContaining('unknown'),
    });
    await check({ mode: 'prefer' })(good, new Date());
  });

  it('one OCSP fetch per certificate and responder per window, however many checks (concurrent ones included)', async () => {
    const shared = check({ mode: 'require' });
    const before = ocspCalls();
    await Promise.all(Array.from({ length: 20 }, () => shared(good, new Date())));
    for (let i = 0; i < 20; i++) await shared(good, new Date());
    // The user's certificate at the qualified CA's responder, the qualified CA's at the root's.
    expect(ocspCalls() - before).toBe(2);
    // Five more users of the same CA: one fetch each at the CA's responder, the CA's own answer reused.
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await identifiedChain(sandbox, `+3247055610${i}`));
    const mid = ocspCalls();
    await Promise.all(users.map((chain) => shared(chain, new Date())));
    expect(ocspCalls() - mid).toBe(5);
    // CRL first: one CRL per issuer answers for all of them, no OCSP fetch.
    const crlFirst = check({ mode: 'require', sources: 'crl-first' });
    const [o, c] = [ocspCalls(), crlCalls()];
    await Promise.all([good, ...users].map((chain) => crlFirst(chain, new Date())));
    expect([ocspCalls() - o, crlCalls() - c]).toEqual([0, 2]);
  });

  it('chain errors: untrusted root, expired at the time, garbage, no anchors', async () => {
    const other = await createTestPki('certificate-check');
    await expect(
      createCertificateCheck({ trustAnchors: [other.rootPem] })(good, new Date()),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
    await expect(check()(good, new Date('2100-01-01'))).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
    });
    await expect(check()(['not a certificate'], new Date())).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
    });
    expect(() => createCertificateCheck({ trustAnchors: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    await expect(check()(good, new Date(Number.NaN))).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
