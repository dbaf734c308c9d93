import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractLastSignature } from '@itsme-sign/test-support/pdf-checks';
import { nssDb, opensslCmsPrint, opensslCmsVerify, pdfsig } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizePades, preparePades } from './index.js';
import { buildCorpus, CORPUS_NAMES } from './test-support/corpus.js';
import { expectValidPdf, POLICY, signPdf } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, signDigest, type TestPki } from './test-support/pki.js';
import { startTestTsa, type TestTsa } from './test-support/tsa.js';

const DIR = join(OUTPUT_DIR, 'pades');
let pki: TestPki;
let corpus: Record<string, Uint8Array>;
let nss: string;
let tsa: TestTsa;

beforeAll(async () => {
  pki = await createTestPki('pades');
  corpus = await buildCorpus(DIR);
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
  tsa = await startTestTsa(pki.tsa);
});
afterAll(() => tsa?.close());

describe('PAdES B-B on PDFs from different writers', () => {
  // The cryptographic checks on the first writers; every writer is signed and rendered in visual-equality.test.ts.
  const names = CORPUS_NAMES.slice(0, 6);
  for (const name of names) {
    for (const kind of ['rsa', 'ec'] as const) {
      it(`${name} / ${kind}: pdfsig, openssl and qpdf accept it`, async () => {
        const input = corpus[name]!;
        const signed = await signPdf(input, pki, pki[kind]);
        // PAdES baseline: no /Reason next to a commitment type (signPdf gives both).
        expect(Buffer.from(signed.subarray(input.length)).toString('latin1')).not.toContain('/Reason');
        // An incremental update: the original bytes are untouched.
        expect(Buffer.compare(Buffer.from(signed.subarray(0, input.length)), Buffer.from(input))).toBe(0);
        const printed = expectValidPdf(join(DIR, `${name}.${kind}.signed.pdf`), signed, pki, nss);
        expect(printed).toContain('id-smime-aa-signingCertificateV2');
        expect(printed).toContain('id-smime-aa-ets-sigPolicyId');
        expect(printed).toContain(POLICY.oid);
        expect(printed).toContain('id-smime-aa-ets-commitmentType');
        expect(printed).toContain('id-smime-cti-ets-proofOfApproval'); // = COMMITMENT
        expect(printed).toContain('0.4.0.19122.1.1');
        expect(printed).not.toContain('signingTime');
        // The cross-reference section is of the same kind as the original's.
        const tail = Buffer.from(signed.subarray(input.length)).toString('latin1');
        const originalUsesStream = !/\bxref\s/.test(
          Buffer.from(input.subarray(lastStartxref(input)))
            .toString('latin1')
            .slice(0, 8),
        );
        expect(tail.includes('/Type /XRef')).toBe(originalUsesStream);
      });
    }
  }

  it('an already signed PDF signed a second time keeps both signatures valid', async () => {
    const once = await signPdf(corpus['qpdf-object-streams']!, pki, pki.rsa);
    const twice = await signPdf(once, pki, pki.ec, { reason: 'Countersignature' });
    expectValidPdf(join(DIR, 'twice.signed.pdf'), twice, pki, nss, 2);
    const { signatures } = pdfsig(join(DIR, 'twice.signed.pdf'), nss);
    expect(signatures[0]!.total).toBe(false);
    expect(readFileSync(join(DIR, 'twice.signed.pdf')).toString('latin1')).toContain('/T (Signature2)');
  });

  it('accepts an EC signature value as raw r||s and stores DER', async () => {
    const signed = await signPdf(corpus['pdf-lib-xref-table']!, pki, pki.ec, { ecFormat: 'raw' });
    expectValidPdf(join(DIR, 'ec-raw.signed.pdf'), signed, pki, nss);
  });

  it('a byte changed after signing makes pdfsig and openssl fail', async () => {
    const signed = Buffer.from(await signPdf(corpus['pdf-lib-xref-table']!, pki, pki.rsa));
    const text = signed.toString('latin1');
    const at = text.lastIndexOf('/M (D:') + 8; // a digit of the year in /M, inside the signed range
    signed[at] = signed[at] === 0x31 ? 0x32 : 0x31;
    const file = join(DIR, 'tampered.signed.pdf');
    writeFileSync(file, signed);
    const { signatures } = pdfsig(file, nss);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]!.validation).not.toBe('Signature is Valid.');
    const { sigFile, contentFile } = extractLastSignature(signed, join(DIR, 'tampered'));
    const v = opensslCmsVerify(sigFile, contentFile, pki.rootFile);
    expect(v.status).not.toBe(0);
    expect(v.stderr).toContain('Verification failure');
  });
});

describe('PAdES B-T', () => {
  it('adds a signature timestamp from the TSA; the PDF stays valid', async () => {
    const before = tsa.requests;
    const signed = await signPdf(corpus['pdf-lib-object-streams']!, pki, pki.rsa, {
      level: 'B-T',
      tsa: { url: tsa.url, trustAnchors: [pki.rootPem] },
    });
    expect(tsa.requests).toBe(before + 1);
    const printed = expectValidPdf(join(DIR, 'b-t.signed.pdf'), signed, pki, nss);
    expect(printed).toContain('id-smime-aa-timeStampToken');
    expect(printed).toContain('unsignedAttrs');
  });

  it('fails with a typed error when the signature does not fit the reserved space', async () => {
    const pdf = corpus['pdf-lib-xref-table']!;
    const { digest, state } = await preparePades(pdf, {
      certificateChain: pki.ec.chain,
      level: 'B-T',
      contentsBytes: 1500,
    });
    await expect(
      finalizePades(pdf, state, signDigest(pki.ec, digest), {
        trustAnchors: [pki.rootPem],
        tsa: { url: tsa.url, trustAnchors: [pki.rootPem] },
      }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_TOO_LARGE' });
  });
});

describe('PAdES two steps', () => {
  it('prepare is deterministic and the state is small JSON without the PDF', async () => {
    const pdf = corpus['qpdf-linearized']!;
    const opts = {
      certificateChain: pki.rsa.chain,
      signingTime: new Date('2025-06-01T10:00:00Z'),
      signaturePolicy: POLICY,
    };
    const a = await preparePades(pdf, opts);
    const b = await preparePades(pdf, opts);
    expect(b).toEqual(a);
    const json = JSON.stringify(a.state);
    expect(json.length).toBeLessThan(8_000);
    expect(a.state).toMatchObject({ format: 'PAdES', level: 'B-B', signingTime: '2025-06-01T10:00:00.000Z' });
    expect(Buffer.from(a.digest, 'base64')).toHaveLength(32);
  });

  it('rejects a different document at finalize (INVALID_REQUEST)', async () => {
    const { digest, state } = await preparePades(corpus['pdf-lib-xref-table']!, {
      certificateChain: pki.rsa.chain,
    });
    await expect(
      finalizePades(corpus['pdf-lib-acroform']!, state, signDigest(pki.rsa, digest), {
        trustAnchors: [pki.rootPem],
      }),
    ).rejects.toMatchObject({ code: 'DOCUMENT_CHANGED' });
  });

  it('rejects a wrong signature value (SIGNATURE_INVALID)', async () => {
    const pdf = corpus['pdf-lib-xref-table']!;
    for (const id of [pki.rsa, pki.ec]) {
      const { state } = await preparePades(pdf, { certificateChain: id.chain });
      const other = Buffer.alloc(32, 7).toString('base64');
      await expect(
        finalizePades(pdf, state, signDigest(id, other), { trustAnchors: [pki.rootPem] }),
      ).rejects.toMatchObject({
        code: 'SIGNATURE_INVALID',
      });
    }
  });

  it('rejects a certificate of an untrusted CA (CERTIFICATE_UNTRUSTED) and an expired one (CERTIFICATE_INVALID)', async () => {
    const pdf = corpus['pdf-lib-xref-table']!;
    for (const [id, code] of [
      [pki.untrusted, 'CERTIFICATE_UNTRUSTED'],
      [pki.expired, 'CERTIFICATE_INVALID'],
    ] as const) {
      const { digest, state } = await preparePades(pdf, { certificateChain: id.chain });
      await expect(
        finalizePades(pdf, state, signDigest(id, digest), { trustAnchors: [pki.rootPem] }),
      ).rejects.toMatchObject({
        code,
      });
      await expect(
        preparePades(pdf, { certificateChain: id.chain, trustAnchors: [pki.rootPem] }),
      ).rejects.toMatchObject({ code });
    }
  });

  it('finalize uses the stored section (no second parse); a state without it is refused', async () => {
    const pdf = corpus['pdf-lib-xref-table']!;
    const { digest, state } = await preparePades(pdf, { certificateChain: pki.rsa.chain });
    expect(typeof state.section).toBe('string');
    expect(JSON.stringify(state).length).toBeLessThan(16_384);
    const value = signDigest(pki.rsa, digest);
    const fromSection = await finalizePades(pdf, state, value, { trustAnchors: [pki.rootPem] });
    expect(Buffer.from(fromSection.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    const { section: _s, byteRange: _b, ...older } = state;
    await expect(finalizePades(pdf, older, value, { trustAnchors: [pki.rootPem] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    // A section altered in the state no longer matches the signed byte-range digest.
    const { deflateRawSync, inflateRawSync } = await import('node:zlib');
    const section = inflateRawSync(Buffer.from(state.section as string, 'base64'));
    section[section.length - 20] ^= 1;
    const tampered = { ...state, section: deflateRawSync(section).toString('base64') };
    await expect(finalizePades(pdf, tampered, value, { trustAnchors: [pki.rootPem] })).rejects.toMatchObject({
      code: 'DOCUMENT_CHANGED',
    });
  });

  it('rejects what is not a PDF and a tampered state (INVALID_REQUEST)', async () => {
    await expect(
      preparePades(new TextEncoder().encode('hello'), { certificateChain: pki.rsa.chain }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    const pdf = corpus['pdf-lib-xref-table']!;
    const { digest, state } = await preparePades(pdf, { certificateChain: pki.rsa.chain });
    await expect(
      finalizePades(pdf, { ...state, signerRole: 'Someone else' }, signDigest(pki.rsa, digest), {
        trustAnchors: [pki.rootPem],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      finalizePades(pdf, { format: 'PAdES' }, 'AAAA', { trustAnchors: [pki.rootPem] }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});

function lastStartxref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(pdf.length - 1024)).toString('latin1');
  return Number(/startxref\s+(\d+)/.exec(tail.slice(tail.lastIndexOf('startxref')))![1]);
}

void opensslCmsPrint;
