import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opensslCmsPrint, opensslCmsVerify } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeCades, prepareCades } from './index.js';
import { createTestPki, OUTPUT_DIR, signDigest, type TestPki } from './test-support/pki.js';
import { startTestTsa, type TestTsa } from './test-support/tsa.js';

const DIR = join(OUTPUT_DIR, 'cades');
const POLICY = {
  oid: '1.3.6.1.4.1.49274.1.1.7.1.0',
  digest: '8efd9f3c4a8277d0425c89d7330ab688a52a348c0976d119c176eec7b12e3c36',
  digestAlgorithm: 'SHA256',
  url: 'https://www.itsme.be/files/COMPL_POL_GenericQualifiedSignaturePolicy-version-1.0.pdf',
};
let pki: TestPki;
let tsa: TestTsa;

beforeAll(async () => {
  pki = await createTestPki('cades');
  tsa = await startTestTsa(pki.tsa);
});
afterAll(() => tsa?.close());

async function* chunks(data: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('CAdES detached B-B', () => {
  for (const kind of ['rsa', 'ec'] as const) {
    it(`${kind}: openssl verifies the .p7s over the streamed file`, async () => {
      const content = Buffer.from(`contract text ${kind}\n`.repeat(5000));
      const file = join(DIR, `contract-${kind}.txt`);
      writeFileSync(file, content);
      const id = pki[kind];
      const { digest, state } = await prepareCades(() => chunks(content, 4096), {
        certificateChain: id.chain,
        signaturePolicy: POLICY,
        commitmentTypeOid: '1.2.840.113549.1.9.16.6.5',
        signerRole: 'CFO',
      });
      const json = JSON.parse(JSON.stringify(state));
      const p7s = await finalizeCades(json, signDigest(id, digest), { trustAnchors: [pki.rootPem] });
      const sigFile = `${file}.p7s`;
      writeFileSync(sigFile, p7s);
      const v = opensslCmsVerify(sigFile, file, pki.rootFile);
      expect(v.stderr).toContain('Verification successful');
      expect(v.status).toBe(0);
      const printed = opensslCmsPrint(sigFile);
      expect(printed).toContain('id-smime-aa-signingCertificateV2');
      expect(printed).toContain('id-smime-aa-ets-sigPolicyId');
      expect(printed).toContain('1.3.6.1.4.1.49274.1.1.7.1.0');
      expect(printed).toContain('id-smime-aa-ets-commitmentType');
      expect(printed).toContain('signingTime');
      // A changed file no longer verifies.
      writeFileSync(file, Buffer.concat([content, Buffer.from('x')]));
      expect(opensslCmsVerify(sigFile, file, pki.rootFile).status).not.toBe(0);
    });
  }
});

describe('CAdES detached B-T', () => {
  it('carries a signature timestamp token; openssl still verifies', async () => {
    const content = Buffer.from('B-T content\n');
    const file = join(DIR, 'b-t.txt');
    writeFileSync(file, content);
    const { digest, state } = await prepareCades(content, { certificateChain: pki.ec.chain, level: 'B-T' });
    const p7s = await finalizeCades(state, signDigest(pki.ec, digest), {
      trustAnchors: [pki.rootPem],
      tsa: { url: tsa.url, trustAnchors: [pki.rootPem] },
    });
    writeFileSync(`${file}.p7s`, p7s);
    expect(opensslCmsVerify(`${file}.p7s`, file, pki.rootFile).status).toBe(0);
    const printed = opensslCmsPrint(`${file}.p7s`);
    expect(printed).toContain('unsignedAttrs');
    expect(printed).toContain('id-smime-aa-timeStampToken');
  });

  it('B-T without a TSA is a configuration error', async () => {
    const { digest, state } = await prepareCades(new Uint8Array([1, 2, 3]), {
      certificateChain: pki.rsa.chain,
      level: 'B-T',
    });
    await expect(
      finalizeCades(state, signDigest(pki.rsa, digest), { trustAnchors: [pki.rootPem] }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });
});

describe('CAdES checks before anything is returned', () => {
  it('wrong signature value, untrusted CA, expired certificate: typed errors', async () => {
    const content = new Uint8Array([1, 2, 3]);
    const cases = [
      [pki.rsa, 'SIGNATURE_INVALID', Buffer.alloc(32, 1).toString('base64')],
      [pki.ec, 'SIGNATURE_INVALID', Buffer.alloc(32, 1).toString('base64')],
      [pki.untrusted, 'CERTIFICATE_UNTRUSTED', undefined],
      [pki.expired, 'CERTIFICATE_INVALID', undefined],
    ] as const;
    for (const [id, code, otherDigest] of cases) {
      const { digest, state } = await prepareCades(content, { certificateChain: id.chain });
      await expect(
        finalizeCades(state, signDigest(id, otherDigest ?? digest), { trustAnchors: [pki.rootPem] }),
      ).rejects.toMatchObject({ code });
    }
  });

  it('an EC value given as raw r||s is accepted and stored as DER', async () => {
    const content = Buffer.from('raw ecdsa\n');
    const file = join(DIR, 'raw-ec.txt');
    writeFileSync(file, content);
    const { digest, state } = await prepareCades(content, { certificateChain: pki.ec.chain });
    const raw = signDigest(pki.ec, digest, 'raw');
    expect(Buffer.from(raw, 'base64')).toHaveLength(64);
    writeFileSync(`${file}.p7s`, await finalizeCades(state, raw, { trustAnchors: [pki.rootPem] }));
    expect(opensslCmsVerify(`${file}.p7s`, file, pki.rootFile).status).toBe(0);
  });
});
