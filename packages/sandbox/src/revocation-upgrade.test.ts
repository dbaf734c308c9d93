/**
 * A data directory made before revocation data existed is upgraded (responders added, certificates re-issued with
 * AIA and CRL distribution points, same keys and serials); a new port re-points the certificates; revocations stay.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { x509 } from './crypto-provider.js';
import { startSandbox } from './index.js';
import { loadOrCreatePki } from './pki/authority.js';
import { UserRegistry } from './pki/users.js';
import { openssl } from './test-support/openssl.js';
import { identifyUser } from './test-support/users.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sbx-upgrade-'));
const scratch = mkdtempSync(join(tmpdir(), 'sbx-upgrade-files-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const AIA = '1.3.6.1.5.5.7.1.1';
const aiaOf = (pem: string) => new x509.X509Certificate(pem).getExtension(x509.AuthorityInfoAccessExtension);

describe('an older data directory', () => {
  it('is upgraded: responders added, the TSA, the qualified CA and users re-issued with the same keys and serials', async () => {
    // What an older version left: the PKI and a user, without AIA / CRL DP, and no responder certificates.
    const old = await loadOrCreatePki(dataDir);
    rmSync(old.files.rootCaOcsp);
    rmSync(old.files.issuingCaOcsp);
    rmSync(old.files.rootCaOcsp.replace('.pem', '.key.pem'));
    const registry = new UserRegistry(old);
    await registry.load();
    const oldUser = await registry.getOrCreate('+32470004001', 'rsa');
    for (const pem of [old.tsa.certPem, old.issuing.certPem, oldUser.certPem]) expect(aiaOf(pem)).toBeNull();

    const sb = await startSandbox({ dataDir });
    try {
      expect(existsSync(sb.credentials.files.rootCaOcsp)).toBe(true);
      expect(sb.credentials.rootCaPem).toBe(old.root.certPem);
      const user = await identifyUser(sb, '+32470004001');
      expect(user.userCode).toBe(oldUser.userCode);
      for (const [before, after, ocsp] of [
        [old.tsa.certPem, sb.credentials.tsaCertPem, sb.revocation.rootCa.ocspUrl],
        [old.issuing.certPem, sb.credentials.issuingCaPem, sb.revocation.rootCa.ocspUrl],
        [oldUser.certPem, user.certificate, sb.revocation.issuingCa.ocspUrl],
      ] as const) {
        const a = new x509.X509Certificate(before);
        const b = new x509.X509Certificate(after);
        expect(b.serialNumber).toBe(a.serialNumber);
        expect(Buffer.from(b.publicKey.rawData).equals(Buffer.from(a.publicKey.rawData))).toBe(true);
        expect(b.getExtension(AIA)).not.toBeNull();
        expect(aiaOf(after)?.ocsp.map((n) => n.value)).toEqual([ocsp]);
      }
      // and it is all stored: the files name this sandbox too
      const again = await loadOrCreatePki(dataDir);
      expect(again.tsa.certPem).toBe(sb.credentials.tsaCertPem);

      await sb.control.revoke({ phone: '+32470004001', reason: 'superseded' });
    } finally {
      await sb.close();
    }
  });

  it('a restart on another port re-points the certificates; revocations are kept', async () => {
    const sb = await startSandbox({ dataDir });
    try {
      const user = await identifyUser(sb, '+32470004001');
      expect(aiaOf(user.certificate)?.ocsp.map((n) => n.value)).toEqual([sb.revocation.issuingCa.ocspUrl]);
      writeFileSync(join(scratch, 'root.pem'), sb.credentials.rootCaPem);
      writeFileSync(join(scratch, 'issuing.pem'), sb.credentials.issuingCaPem);
      writeFileSync(join(scratch, 'user.pem'), user.certificate);
      const out = await openssl(
        'ocsp',
        '-issuer',
        join(scratch, 'issuing.pem'),
        '-cert',
        join(scratch, 'user.pem'),
        '-url',
        sb.revocation.issuingCa.ocspUrl,
        '-CAfile',
        join(scratch, 'root.pem'),
        '-verify_other',
        join(scratch, 'issuing.pem'),
      );
      expect(out).toContain('revoked');
      expect(out).toContain('Reason: superseded');
    } finally {
      await sb.close();
    }
  });
});
