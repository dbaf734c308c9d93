import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentSource, SignerContext } from '@itsme-sign/core';
import { nssDb, opensslCmsVerify } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdesSigner } from './index.js';
import { buildCorpus } from './test-support/corpus.js';
import { expectValidPdf, POLICY } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, signDigest, type TestPki } from './test-support/pki.js';
import { startTestTsa, type TestTsa } from './test-support/tsa.js';

const DIR = join(OUTPUT_DIR, 'signer');
let pki: TestPki;
let tsa: TestTsa;
let pdf: Uint8Array;

beforeAll(async () => {
  pki = await createTestPki('signer');
  tsa = await startTestTsa(pki.tsa);
  pdf = (await buildCorpus(DIR))['qpdf-object-streams']!;
});
afterAll(() => tsa?.close());

const context = (chain: string[]): SignerContext => ({
  certificateChain: chain,
  signingTime: new Date(),
  lang: 'EN',
  signerRole: 'Director',
  signaturePolicy: POLICY,
  commitmentTypeOid: '1.2.840.113549.1.9.16.6.5',
});

describe('createAdesSigner as core DocumentSigner', () => {
  it('PDF → PAdES B-T through prepare/finalize with a streamed document and a JSON state', async () => {
    const signer = createAdesSigner({
      trustAnchors: [pki.rootPem],
      level: 'B-T',
      tsaUrl: tsa.url,
      tsa: { trustAnchors: [pki.rootPem] },
      reason: 'Agreed',
    });
    const document: DocumentSource = {
      name: 'contract.pdf',
      contentType: 'application/pdf',
      data: async function* () {
        yield pdf.subarray(0, 100);
        yield pdf.subarray(100);
      },
    };
    const prepared = await signer.prepare(document, context(pki.rsa.chain));
    const state = JSON.parse(JSON.stringify(prepared.state));
    // The state does not carry the signer's certificates: core keeps them once per session and passes them back.
    expect(JSON.stringify(state)).not.toContain('BEGIN CERTIFICATE');
    const signed = await signer.finalize(state, signDigest(pki.rsa, prepared.digest), document, {
      certificateChain: pki.rsa.chain,
    });
    expect(signed).toMatchObject({ name: 'contract.pdf', contentType: 'application/pdf' });
    const printed = expectValidPdf(
      join(DIR, 'contract.signed.pdf'),
      signed.bytes,
      pki,
      nssDb(join(DIR, 'nssdb'), pki.rootFile),
    );
    expect(printed).toContain('id-smime-aa-timeStampToken');
  });

  it('other files → detached CAdES .p7s', async () => {
    const signer = createAdesSigner({ trustAnchors: [pki.rootPem] });
    const bytes = new TextEncoder().encode('{"amount": 1000}\n');
    const document: DocumentSource = { name: 'order.json', contentType: 'application/json', data: bytes };
    const prepared = await signer.prepare(document, context(pki.ec.chain));
    const value = signDigest(pki.ec, prepared.digest);
    await expect(signer.finalize(prepared.state, value, document)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'context.certificateChain',
    });
    // A state written by an earlier version still carries the chain: it finalizes without the context.
    const old = { ...(prepared.state as object), certificateChain: pki.ec.chain };
    expect((await signer.finalize(old, value, document)).name).toBe('order.json.p7s');
    const signed = await signer.finalize(prepared.state, value, document, { certificateChain: pki.ec.chain });
    expect(signed).toMatchObject({ name: 'order.json.p7s', contentType: 'application/pkcs7-signature' });
    writeFileSync(join(DIR, 'order.json'), bytes);
    writeFileSync(join(DIR, 'order.json.p7s'), signed.bytes);
    expect(opensslCmsVerify(join(DIR, 'order.json.p7s'), join(DIR, 'order.json'), pki.rootFile).status).toBe(
      0,
    );
  });

  it('an untrusted signer fails already in prepare (before the user is asked to sign)', async () => {
    const signer = createAdesSigner({ trustAnchors: [pki.rootPem] });
    const document: DocumentSource = { name: 'a.pdf', contentType: 'application/pdf', data: pdf };
    await expect(signer.prepare(document, context(pki.untrusted.chain))).rejects.toMatchObject({
      code: 'CERTIFICATE_UNTRUSTED',
    });
  });

  it('a TSA without trust anchors is refused at creation; a token not signed for time-stamping is refused', async () => {
    expect(() => createAdesSigner({ trustAnchors: [pki.rootPem], level: 'B-T', tsaUrl: tsa.url })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', field: 'tsa.trustAnchors' }) as Error,
    );
    // A "TSA" whose certificate is trusted but has no timeStamping usage (here: a signer's certificate).
    const rogue = await startTestTsa(pki.rsa);
    try {
      const signer = createAdesSigner({
        trustAnchors: [pki.rootPem],
        level: 'B-T',
        tsaUrl: rogue.url,
        tsa: { trustAnchors: [pki.rootPem] },
      });
      const document: DocumentSource = { name: 'c.pdf', contentType: 'application/pdf', data: pdf };
      const context = { certificateChain: pki.rsa.chain, signingTime: new Date(), lang: 'EN' as const };
      const { digest, state } = await signer.prepare(document, context);
      await expect(
        signer.finalize(state, signDigest(pki.rsa, digest), document, context),
      ).rejects.toMatchObject({
        code: 'TIMESTAMP_FAILED',
      });
    } finally {
      await rogue.close();
    }
  });

  it('the level defaults to B-LT when a TSA is configured, B-B otherwise', async () => {
    const document: DocumentSource = { name: 'c.pdf', contentType: 'application/pdf', data: pdf };
    const ctx = { certificateChain: pki.rsa.chain, signingTime: new Date(), lang: 'EN' as const };
    const withTsa = createAdesSigner({
      trustAnchors: [pki.rootPem],
      tsaUrl: tsa.url,
      tsa: { trustAnchors: [pki.rootPem] },
      revocation: { mode: 'prefer' }, // the test PKI publishes no revocation data
    });
    expect((await withTsa.prepare(document, ctx)).state).toMatchObject({ level: 'B-LT' });
    const text: DocumentSource = { name: 'a.txt', contentType: 'text/plain', data: new Uint8Array([1]) };
    expect((await withTsa.prepare(text, ctx)).state).toMatchObject({ level: 'B-LT' });
    // B-LT checks revocation in `require` mode by default: a chain naming no responder is refused up front.
    const strict = createAdesSigner({
      trustAnchors: [pki.rootPem],
      tsaUrl: tsa.url,
      tsa: { trustAnchors: [pki.rootPem] },
    });
    await expect(strict.prepare(document, ctx)).rejects.toMatchObject({ code: 'REVOCATION_UNAVAILABLE' });
    const plain = createAdesSigner({ trustAnchors: [pki.rootPem] });
    expect((await plain.prepare(document, ctx)).state).toMatchObject({ level: 'B-B' });
  });

  it('CAdES: finalizing over another file than the prepared one is DOCUMENT_CHANGED', async () => {
    const signer = createAdesSigner({ trustAnchors: [pki.rootPem] });
    const context = { certificateChain: pki.rsa.chain, signingTime: new Date(), lang: 'EN' as const };
    const original: DocumentSource = {
      name: 'data.csv',
      contentType: 'text/csv',
      data: new TextEncoder().encode('a,b\n1,2\n'),
    };
    const changed: DocumentSource = { ...original, data: new TextEncoder().encode('a,b\n1,3\n') };
    const { digest, state } = await signer.prepare(original, context);
    await expect(signer.finalize(state, signDigest(pki.rsa, digest), changed, context)).rejects.toMatchObject(
      {
        code: 'DOCUMENT_CHANGED',
      },
    );
    const ok = await signer.finalize(state, signDigest(pki.rsa, digest), original, context);
    expect(ok.name).toBe('data.csv.p7s');
  });

  it('B-T without tsaUrl is rejected when the signer is created', () => {
    expect(() => createAdesSigner({ trustAnchors: [pki.rootPem], level: 'B-T' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});
