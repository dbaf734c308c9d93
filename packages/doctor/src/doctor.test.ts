import { execFile } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { sandboxEnv } from '@itsme-sign/test-support/web-flow';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'itsme-doctor-'));
const ORIGIN = 'http://127.0.0.1:3000';
let sandbox: Sandbox;
let good: Record<string, string>;
let expired: { cert: string; key: string };

/** Spawns the built CLI (`itsme-sign doctor`) with only these settings in its environment. */
async function doctor(env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'doctor', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

/** A self-signed certificate and its key, valid from two years ago to yesterday. */
async function expiredCertificate() {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=expired partner',
      notBefore: new Date(Date.now() - 730 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
      keys,
      signingAlgorithm: alg,
    },
    webcrypto as Crypto,
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    cert: cert.toString('pem'),
    key: `-----BEGIN PRIVATE KEY-----\n${pkcs8}\n-----END PRIVATE KEY-----\n`,
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: join(dir, 'sandbox') });
  good = {
    ...sandboxEnv(sandbox, `${ORIGIN}/api/itsme/callback`),
    ITSME_TSA_URL: sandbox.tsaUrl,
    // The signers' CAs as the app gives them to ades: the qualified CA names the root's OCSP responder.
    ITSME_TRUST_ANCHORS: `${sandbox.credentials.rootCaPem}\n${sandbox.credentials.issuingCaPem}`,
    ITSME_REVOCATION: 'require',
  };
  expired = await expiredCertificate();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('itsme-sign doctor against the sandbox', () => {
  it('a good configuration passes (exit 0), one line per check, no secret printed', async () => {
    const { code, out } = await doctor(good, ['--origin', ORIGIN]);
    expect(out).toMatch(/^✓ Configuration/m);
    for (const check of [
      'Client certificate and key',
      'Certificate dates',
      'Server TLS trust',
      'Mutual TLS',
      'Discovery document',
      'Signing profile',
      'Redirect URL',
      'Cookie secret',
      'TSA',
      'OCSP',
    ]) {
      expect(out).toMatch(new RegExp(`^✓ ${check}`, 'm'));
    }
    expect(out).toContain('Ready:');
    expect(out).not.toMatch(/✗/);
    expect(code).toBe(0);
    for (const secret of [good.ITSME_COOKIE_SECRET, 'PRIVATE KEY', good.ITSME_CLIENT_KEY.slice(40, 80)]) {
      expect(out).not.toContain(secret);
    }
  });

  it('reads the same settings from files (ITSME_*_FILE) and a JSON config file', async () => {
    const files = sandbox.credentials.files;
    const config = join(dir, 'itsme.json');
    const { ITSME_CLIENT_CERT: _c, ITSME_CLIENT_KEY: _k, ITSME_CA: _a, ...rest } = good;
    writeFileSync(config, JSON.stringify({ ...rest, ITSME_CLIENT_CERT_FILE: files.clientCert }));
    const { code, out } = await doctor({ ITSME_CLIENT_KEY_FILE: files.clientKey, ITSME_CA_FILE: files.ca }, [
      '--config',
      config,
    ]);
    expect(out).toContain('Ready:');
    expect(code).toBe(0);
  });

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  const cases: Array<[string, () => Record<string, string>, RegExp, string[]?]> = [
    [
      'a key of another certificate',
      () => ({ ITSME_CLIENT_KEY: otherKey }),
      /^✗ Client certificate and key\s+the key does not belong/m,
    ],
    [
      'an expired certificate',
      () => ({ ITSME_CLIENT_CERT: expired.cert, ITSME_CLIENT_KEY: expired.key }),
      /^✗ Certificate dates\s+client certificate expired on/m,
    ],
    [
      'a CA that did not issue the server certificate',
      () => ({ ITSME_CA: sandbox.credentials.tsaCertPem }),
      /^✗ Server TLS trust\s+.*not trusted with this CA bundle/m,
    ],
    [
      'a client certificate the server does not know',
      () => ({ ITSME_CLIENT_CERT: expired.cert, ITSME_CLIENT_KEY: expired.key }),
      /^✗ Mutual TLS/m,
    ],
    [
      'a malformed redirect URL',
      () => ({ ITSME_REDIRECT_URL: 'itsme/callback' }),
      /^✗ Redirect URL\s+"itsme\/callback" is not an absolute URL/m,
    ],
    [
      'a redirect URL on another origin',
      () => ({}),
      /^✗ Redirect URL\s+origin http:\/\/127\.0\.0\.1:3000 is not the app's https:\/\/app\.example/m,
      ['--origin', 'https://app.example'],
    ],
    [
      'a redirect URL over http',
      () => ({ ITSME_REDIRECT_URL: 'http://app.example/api/itsme/callback' }),
      /^✗ Redirect URL\s+.*must use https/m,
    ],
    [
      'a short cookie secret',
      () => ({ ITSME_COOKIE_SECRET: 'too-short' }),
      /^✗ Cookie secret\s+the secret has 9 characters/m,
    ],
    [
      'the README example cookie secret',
      () => ({ ITSME_COOKIE_SECRET: 'change-me-to-32-random-characters!!' }),
      /^✗ Cookie secret\s+.*published example value/m,
    ],
    [
      'Redis down',
      () => ({ REDIS_URL: 'redis://:hunter2-password@127.0.0.1:1' }),
      /^✗ Redis\s+redis:\/\/\*\*\*@127\.0\.0\.1:1 is not reachable/m,
    ],
    [
      'a language itsme® does not offer',
      () => ({ ITSME_LANG: 'ES' }),
      /^✗ Signing profile\s+INVALID_LANGUAGE: The language ES is not in the discovery document/m,
    ],
    [
      'an unknown signature policy',
      () => ({ ITSME_SIGN_POLICY: '1.2.3.4' }),
      /^✗ Signing profile\s+INVALID_POLICY/m,
    ],
    [
      'a TSA that is not there',
      () => ({ ITSME_TSA_URL: `${sandbox.frontUrl}/no-tsa` }),
      /^✗ TSA\s+.*answered HTTP 404/m,
    ],
    [
      'a missing partner code',
      () => ({ ITSME_PARTNER_CODE: '' }),
      /^✗ Configuration\s+missing ITSME_PARTNER_CODE/m,
    ],
    [
      'a missing B2B URL (there is no default host)',
      () => ({ ITSME_B2B_URL: '' }),
      /^✗ Configuration\s+missing ITSME_B2B_URL \(B2B base URL from the itsme® onboarding/m,
    ],
    [
      "a B2B URL named 'test' (no public source names a test host)",
      () => ({ ITSME_B2B_URL: 'test' }),
      /^✗ Configuration\s+ITSME_B2B_URL 'test' is not a URL: there are no named environments\. itsme® communicates the B2B base URL .* at onboarding/m,
    ],
    [
      "a B2B URL named 'production'",
      () => ({ ITSME_B2B_URL: 'production' }),
      /^✗ Configuration\s+ITSME_B2B_URL 'production' is not a URL/m,
    ],
  ];
  it.each(cases)('%s is explained (exit 1)', async (_name, change, explained, args = []) => {
    const { code, out } = await doctor({ ...good, ...change() }, args);
    expect(out).toMatch(explained);
    expect(out).toContain('Not ready:');
    expect(code).toBe(1);
    expect(out).not.toContain('hunter2-password');
    expect(out).not.toContain(good.ITSME_COOKIE_SECRET);
  });

  describe('OCSP responders named by the configured certificates (AIA)', () => {
    const OCSP_LINE =
      /^✓ OCSP\s+http:\/\/127\.0\.0\.1:\d+\/pki\/ocsp\/root-ca answered: ".*" is not revoked$/m;

    it('a responder that answers: ✓ (exit 0); none named without trust anchors: no line', async () => {
      const { code, out } = await doctor(good);
      expect(out).toMatch(OCSP_LINE);
      expect(code).toBe(0);
      const { ITSME_TRUST_ANCHORS: _t, ITSME_REVOCATION: _r, ...without } = good;
      expect((await doctor(without)).out).not.toMatch(/OCSP/);
    });

    it('a responder that resets the connection: ✗ with ITSME_REVOCATION=require (exit 1), ⚠ with prefer (exit 0)', async () => {
      sandbox.control.setFault('ocsp', { kind: 'reset' });
      try {
        const required = await doctor(good);
        expect(required.out).toMatch(
          /^✗ OCSP\s+http:\/\/127\.0\.0\.1:\d+\/pki\/ocsp\/root-ca is not reachable \((ECONNRESET|UND_ERR_SOCKET|[A-Z_]+)\): with ITSME_REVOCATION=require no signature can be made$/m,
        );
        expect(required.out).toContain('Not ready:');
        expect(required.code).toBe(1);
        const preferred = await doctor({ ...good, ITSME_REVOCATION: 'prefer' });
        expect(preferred.out).toMatch(
          /^⚠ OCSP\s+.*is not reachable .*tolerated with ITSME_REVOCATION=prefer/m,
        );
        expect(preferred.out).toContain('Ready:');
        expect(preferred.code).toBe(0);
      } finally {
        sandbox.control.setFault('ocsp', null);
      }
    });

    it('an answer signed by a responder nobody trusts: ✗ in every mode (exit 1)', async () => {
      sandbox.control.setFault('ocsp', { kind: 'untrusted' });
      try {
        const { code, out } = await doctor({ ...good, ITSME_REVOCATION: 'prefer' });
        expect(out).toMatch(/^✗ OCSP\s+http:\/\/.*\/pki\/ocsp\/root-ca answered about ".*", but not usably/m);
        expect(code).toBe(1);
      } finally {
        sandbox.control.setFault('ocsp', null);
      }
    });

    it('a revoked qualified CA: ✗ in every mode (exit 1)', async () => {
      // Its own sandbox: the revocation is kept in the data folder.
      const own = await startSandbox({ dataDir: join(dir, 'revoked') });
      try {
        await own.control.revoke({ certificate: 'issuing-ca', reason: 'cACompromise' });
        const env = {
          ...sandboxEnv(own, `${ORIGIN}/api/itsme/callback`),
          ITSME_TRUST_ANCHORS: `${own.credentials.rootCaPem}\n${own.credentials.issuingCaPem}`,
          ITSME_REVOCATION: 'prefer',
        };
        const { code, out } = await doctor(env, ['--origin', ORIGIN]);
        expect(out).toMatch(
          /^✗ OCSP\s+http:\/\/.*\/pki\/ocsp\/root-ca answered: The certificate of itsme Sandbox Qualified CA was revoked on \d{4}-/m,
        );
        expect(code).toBe(1);
      } finally {
        await own.close();
      }
    });

    it('ITSME_REVOCATION off: not checked; an unknown mode: ✗', async () => {
      expect((await doctor({ ...good, ITSME_REVOCATION: 'off' })).out).not.toMatch(/OCSP/);
      const { code, out } = await doctor({ ...good, ITSME_REVOCATION: 'sometimes' });
      expect(out).toMatch(/^✗ OCSP\s+ITSME_REVOCATION "sometimes" is not one of require, prefer, off/m);
      expect(code).toBe(1);
    });
  });

  it('warns 30 days before the client certificate expires (exit 0 on warnings alone)', async () => {
    const { code, out } = await doctor(good, []);
    expect(code).toBe(0);
    const soon = await import('./local-checks.js').then((m) =>
      m.datesLine(
        'Certificate dates',
        'client certificate',
        '2020-01-01',
        new Date(Date.now() + 10 * 86_400_000).toUTCString(),
        Date.now(),
      ),
    );
    expect(soon).toMatchObject({ status: 'warn', detail: expect.stringMatching(/expires in (9|10) day/) });
    expect(out).toMatch(/^✓ Certificate dates/m);
  });

  it('usage errors exit 2', async () => {
    expect((await doctor(good, ['--nope'])).code).toBe(2);
    const { code } = await promisify(execFile)(process.execPath, [cli, '--help']).then(
      () => ({ code: 0 }),
      (e: { code: number }) => e,
    );
    expect(code).toBe(0);
  });
});
