/**
 * CAdES B-LTA (archive-time-stamp-v3 with ats-hash-index-v3) and `extendCades` against the sandbox's TSA, OCSP
 * responders and CRLs, checked by openssl only: `openssl cms -verify` (the signature is still valid),
 * `openssl ts -verify -digest` over the imprint recomputed from `openssl asn1parse`'s view of the file, and
 * `openssl crl -verify` for every embedded CRL (OCSP forced down so that CRLs are embedded).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { opensslCmsVerify, run } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finalizeCades, prepareCades } from './cades.js';
import { extendCades } from './cades-extend.js';
import { RevocationCache } from './revocation.js';
import { cadesCrls, checkArchiveTimestamps, opensslCrlVerify } from './test-support/cades-checks.js';
import { sandboxSigner } from './test-support/sandbox-users.js';

const out = join(import.meta.dirname, '..', 'test-output', 'cades-lta');
const dataDir = mkdtempSync(join(tmpdir(), 'itsme-ades-cades-lta-'));
let sandbox: Sandbox;
let signer: Awaited<ReturnType<typeof sandboxSigner>>;
const text = Buffer.from('Annex 4: archive of the loan contract\n');
const contentFile = join(out, 'annex.txt');

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  writeFileSync(contentFile, text);
  sandbox = await startSandbox({ dataDir });
  signer = await sandboxSigner(sandbox, dataDir, '+32470557001');
});
afterEach(() => {
  sandbox.setFault('ocsp', null);
  sandbox.setFault('crl', null);
});
afterAll(() => sandbox?.close());

const root = () => sandbox.credentials.files.rootCa;
const tsa = () => ({ url: sandbox.tsaUrl, trustAnchors: [sandbox.credentials.rootCaPem] });
const anchors = () => [sandbox.credentials.rootCaPem];

function save(name: string, bytes: Uint8Array): string {
  const file = join(out, name);
  writeFileSync(file, bytes);
  return file;
}

/** `openssl cms -sign` of the annex by the sandbox user (another tool's signature), DER; `extra` options. */
function opensslSign(name: string, ...extra: string[]): Buffer {
  const file = join(out, name);
  const key = save('user.key.pem', Buffer.from(signer.keyPem));
  const cert = save('user.pem', Buffer.from(signer.chain[0]!));
  const ca = save('issuing.pem', Buffer.from(signer.chain.slice(1).join('\n')));
  const args = [
    '-binary',
    '-md',
    'sha256',
    '-in',
    contentFile,
    '-signer',
    cert,
    '-inkey',
    key,
    '-certfile',
    ca,
  ];
  const signed = run('openssl', ['cms', '-sign', ...extra, ...args, '-outform', 'DER', '-out', file]);
  expect(signed.status, signed.stderr).toBe(0);
  return readFileSync(file);
}

/** openssl cms -verify (detached unless `attached`), and every archive timestamp checked independently. */
function expectValid(file: string, archiveTimestamps: number, attached = false) {
  const v = opensslCmsVerify(file, attached ? undefined : contentFile, root());
  expect(v.stderr).toContain('Verification successful');
  const checks = checkArchiveTimestamps(file, contentFile, root(), sandbox.credentials.files.tsaCert, file);
  expect(checks).toHaveLength(archiveTimestamps);
  for (const c of checks) {
    expect(c.verify.stdout + c.verify.stderr).toContain('Verification: OK');
    expect(c.certificates.missing + c.crls.missing + c.attributeValues.missing).toBe(0);
  }
  return checks;
}

describe('CAdES B-LTA and extendCades against the sandbox', () => {
  it('finalizeCades at B-LTA: validation data and an archive-time-stamp-v3 that openssl verifies over the recomputed imprint', async () => {
    const { digest, state } = await prepareCades(text, {
      certificateChain: signer.chain,
      level: 'B-LTA',
      trustAnchors: anchors(),
    });
    const p7s = await finalizeCades(JSON.parse(JSON.stringify(state)), signer.sign(digest), {
      trustAnchors: anchors(),
      tsa: tsa(),
    });
    const file = save('finalized.b-lta.p7s', p7s);
    const [ats] = expectValid(file, 1);
    // The index lists every certificate, revocation value and unsigned attribute value there was.
    expect(ats!.certificates.listed).toBeGreaterThanOrEqual(4);
    expect(ats!.crls.listed).toBeGreaterThanOrEqual(2);
    expect(ats!.attributeValues.listed).toBe(1);
    const printed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]).stdout;
    expect(printed).toContain('0.4.0.1733.2.4');
    expect(printed).toContain('1.3.6.1.5.5.7.16.2');
    // The check is not vacuous: over another content, the recomputed imprint does not match.
    const other = save('other.txt', Buffer.from('not the annex'));
    const [wrong] = checkArchiveTimestamps(
      file,
      other,
      root(),
      sandbox.credentials.files.tsaCert,
      `${file}.x`,
    );
    expect(wrong!.verify.stdout + wrong!.verify.stderr).toContain('Verification: FAILED');
  });

  it('a signature made by `openssl cms -sign` → B-LT → B-LTA → renewed B-LTA; each stays valid', async () => {
    const lt = await extendCades(opensslSign('openssl.b-b.p7s'), text, {
      level: 'B-LT',
      trustAnchors: anchors(),
      tsa: tsa(),
    });
    const ltFile = save('openssl.b-lt.p7s', lt);
    expectValid(ltFile, 0);
    const printed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', ltFile]).stdout;
    expect(printed).toContain('id-smime-aa-timeStampToken');
    expect(printed).toContain('1.3.6.1.5.5.7.16.2');
    const lta = await extendCades(lt, undefined, { level: 'B-LTA', trustAnchors: anchors(), tsa: tsa() });
    expectValid(save('openssl.b-lta.p7s', lta), 1);
    // Archive renewal: a second archive timestamp covering the first (and its TSA's validation data).
    const renewed = await extendCades(lta, text, { level: 'B-LTA', trustAnchors: anchors(), tsa: tsa() });
    const [first, second] = expectValid(save('openssl.b-lta-renewed.p7s', renewed), 2);
    expect(second!.attributeValues.listed).toBe(first!.attributeValues.listed + 1);
    await expect(
      extendCades(lta, Buffer.from('another file'), { level: 'B-LTA', trustAnchors: anchors(), tsa: tsa() }),
    ).rejects.toMatchObject({ code: 'DOCUMENT_CHANGED' });
  });

  it('a BER signature with the content inside (`openssl cms -sign -stream -nodetach`) → B-LTA, its indefinite lengths kept', async () => {
    const ber = opensslSign('openssl-stream.b-b.p7s', '-stream', '-nodetach');
    expect(ber[1]).toBe(0x80); // indefinite length: BER, not DER
    const lta = await extendCades(ber, undefined, { level: 'B-LTA', trustAnchors: anchors(), tsa: tsa() });
    const file = save('openssl-stream.b-lta.p7s', lta);
    expectValid(file, 1, true);
  });

  it('a certificate revoked between prepare and finalize (while the user confirms) is refused in finalize', async () => {
    const phone = '+32470557002';
    const late = await sandboxSigner(sandbox, dataDir, phone);
    const { digest, state } = await prepareCades(text, {
      certificateChain: late.chain,
      level: 'B-LT',
      trustAnchors: anchors(),
      revocation: { cache: new RevocationCache() },
    });
    // Revoked clearly after the signing time (revocation times are kept to the second).
    await new Promise((r) => setTimeout(r, 1100));
    const revoked = await sandbox.control.revoke({ phone, reason: 'keyCompromise' });
    expect(new Date(revoked.time).getTime()).toBeGreaterThan(new Date(state.signingTime).getTime());
    await expect(
      finalizeCades(state, late.sign(digest), {
        trustAnchors: anchors(),
        tsa: tsa(),
        revocation: { cache: new RevocationCache() },
      }),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_REVOKED' });
  });

  it('OCSP down: the CRLs are embedded instead, and each one verifies with `openssl crl -verify` against its issuer', async () => {
    sandbox.setFault('ocsp', { kind: 'status', status: 503 });
    const { digest, state } = await prepareCades(text, {
      certificateChain: signer.chain,
      level: 'B-LT',
      trustAnchors: anchors(),
      revocation: { cache: new RevocationCache() },
    });
    const p7s = await finalizeCades(state, signer.sign(digest), {
      trustAnchors: anchors(),
      tsa: tsa(),
      revocation: { cache: new RevocationCache() },
    });
    const file = save('crl.b-lt.p7s', p7s);
    expect(opensslCmsVerify(file, contentFile, root()).stderr).toContain('Verification successful');
    const crls = cadesCrls(file, file);
    // The qualified CA's CRL (for the user) and the root's (for the qualified CA and the TSA), each once.
    expect(crls).toHaveLength(2);
    const issuers = [sandbox.credentials.files.issuingCa, root()];
    for (const [i, crl] of crls.entries()) {
      const verified = opensslCrlVerify(crl, issuers[i]!, join(out, `crl-${i}.der`));
      expect(verified.stdout + verified.stderr).toContain('verify OK');
      expect(verified.status).toBe(0);
    }
  });
});
