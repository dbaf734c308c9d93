/**
 * Large PDFs as streams: prepare spools them to a private temporary file (memory flat in the size) and
 * removes it; `finalizePadesStream` streams the signed PDF and fails before the signature section when the
 * document is not the one that was prepared.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nssDb } from '@itsme-sign/test-support/pdf-tools';
import { PDFDocument, PDFName } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { finalizePades, finalizePadesStream, preparePades } from './index.js';
import { SPOOL_THRESHOLD } from './pdf/open-pdf.js';
import { expectValidPdf } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, signDigest, type TestPki } from './test-support/pki.js';

const DIR = join(OUTPUT_DIR, 'pades-stream');
let pki: TestPki;
let nss: string;
let file: string;

/** A one-page PDF carrying an unused 12 MiB stream (random bytes: incompressible, full of stray `R`s). */
async function largePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 300]);
  const blob = doc.context.register(doc.context.stream(randomBytes(12 << 20)));
  page.node.set(PDFName.of('PieceInfo'), doc.context.obj({ Blob: blob }));
  return doc.save({ useObjectStreams: true });
}

const spools = () => readdirSync(tmpdir()).filter((n) => n.startsWith('itsme-sign-pdf-'));

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('pades-stream');
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
  file = join(DIR, 'large.input.pdf');
  writeFileSync(file, await largePdf());
});

describe('PAdES of a PDF larger than the spool threshold, as a stream', () => {
  it('prepares from a stream factory, streams the signed PDF, and leaves no temporary file', async () => {
    const before = spools();
    const source = () => createReadStream(file, { highWaterMark: 256 << 10 });
    const { digest, state } = await preparePades(source, { certificateChain: pki.rsa.chain });
    expect(spools()).toEqual(before);
    const value = signDigest(pki.rsa, digest);
    const out = await finalizePadesStream(source, state, value, { trustAnchors: [pki.rootPem] });
    const chunks: Uint8Array[] = [];
    for await (const c of out) chunks.push(c);
    const signed = Buffer.concat(chunks);
    expect(signed.length).toBeGreaterThan(SPOOL_THRESHOLD);
    expectValidPdf(join(DIR, 'large.signed.pdf'), signed, pki, nss);
    // The in-memory finalize gives the same bytes.
    const inMemory = await finalizePades(source, state, value, { trustAnchors: [pki.rootPem] });
    expect(Buffer.from(inMemory).equals(signed)).toBe(true);
  });

  it('finalizePadesStream fails with DOCUMENT_CHANGED before the signature when a byte differs', async () => {
    const original = Buffer.from(await largePdf());
    const { digest, state } = await preparePades(original, { certificateChain: pki.ec.chain });
    const altered = Buffer.from(original);
    altered[1000] ^= 1;
    const out = await finalizePadesStream(altered, state, signDigest(pki.ec, digest), {
      trustAnchors: [pki.rootPem],
    });
    const seen: Uint8Array[] = [];
    await expect(
      (async () => {
        for await (const c of out) seen.push(c);
      })(),
    ).rejects.toMatchObject({ code: 'DOCUMENT_CHANGED' });
    expect(Buffer.concat(seen).length).toBe(original.length);
  });
});
