/** The PKI: generated once, reused, regenerated when incomplete; users' certificates look like QES ones. */
import { X509Certificate as NodeX509 } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { x509 } from './crypto-provider.js';
import { loadOrCreatePki } from './pki/authority.js';
import { QC_OIDS } from './pki/qualified.js';
import { UserRegistry } from './pki/users.js';

describe('sandbox PKI', () => {
  it('reuses the PKI of a data directory', async () => {
    const dir = inject('sandboxDataDir');
    const a = await loadOrCreatePki(dir);
    const b = await loadOrCreatePki(dir);
    expect(b.root.certPem).toBe(a.root.certPem);
    expect(b.partner.certPem).toBe(a.partner.certPem);
  });

  it('regenerates an incomplete PKI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbx-pki-'));
    try {
      cpSync(join(inject('sandboxDataDir'), 'pki'), join(dir, 'pki'), { recursive: true });
      const a = await loadOrCreatePki(dir);
      rmSync(join(a.dir, 'tsa.key.pem'));
      const b = await loadOrCreatePki(dir);
      expect(b.root.certPem).not.toBe(a.root.certPem);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issues the TLS, partner and TSA certificates from the root, with the right usages', async () => {
    const pki = await loadOrCreatePki(inject('sandboxDataDir'));
    const server = new NodeX509(pki.server.certPem);
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.checkIssued(new NodeX509(pki.root.certPem))).toBe(true);
    const tsaEku = pki.tsa.cert.getExtension(x509.ExtendedKeyUsageExtension);
    expect(tsaEku?.critical).toBe(true);
    expect(tsaEku?.usages).toEqual([x509.ExtendedKeyUsage.timeStamping]);
    expect(pki.issuing.cert.subject).toContain('CN=itsme Sandbox Qualified CA');
  });

  it('gives each user a QES-looking certificate issued by the qualified CA', async () => {
    const pki = await loadOrCreatePki(inject('sandboxDataDir'));
    const users = new UserRegistry(pki);
    await users.load();
    const user = await users.getOrCreate('+32470000101', 'rsa');
    const cert = new x509.X509Certificate(user.certPem);
    expect(cert.subjectName.getField('C')).toEqual(['BE']);
    expect(cert.subjectName.getField('CN')).toEqual([`${user.givenName} ${user.surname}`]);
    expect(cert.subjectName.getField('2.5.4.42')).toEqual([user.givenName]);
    expect(cert.subjectName.getField('2.5.4.4')).toEqual([user.surname]);
    expect(cert.subjectName.getField('2.5.4.5')[0]).toMatch(/^PNOBE-\d{11}$/);
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    expect(ku?.critical).toBe(true);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.nonRepudiation);
    expect(cert.getExtension(x509.CertificatePolicyExtension)?.policies).toContain(QC_OIDS.policyQcpNQscd);
    const qc = cert.getExtension('1.3.6.1.5.5.7.1.3');
    const der = Buffer.from(qc?.value as ArrayBuffer).toString('hex');
    // QcCompliance, QcSSCD and QcType esign OIDs (0.4.0.1862.1.1 / .1.4 / .1.6.1), DER-encoded
    expect(der).toContain('060604008e460101');
    expect(der).toContain('060604008e460104');
    expect(der).toContain('060704008e46010601');
    expect(await cert.verify({ publicKey: pki.issuing.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(
      pki.issuing.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    );
    // the same user on a second registry (another process) comes from disk
    const again = new UserRegistry(pki);
    expect((await again.getOrCreate('+32 470 00 01 01', 'ec')).userCode).toBe(user.userCode);
  });
});
