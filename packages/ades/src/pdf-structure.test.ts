import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@itsme-sign/test-support/pdf-tools';
import { PDFDocument, PDFName, PDFRef } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PadesOptions, preparePades } from './index.js';
import {
  appendUnlisted,
  appendUnlistedObjectStream,
  pageTreeEdits,
  pageWithContents,
  pdfLibView,
  refsOf,
  twoPagePdf,
  withPageTree,
} from './test-support/crafted-pdfs.js';
import { createTestPki, OUTPUT_DIR, type TestPki } from './test-support/pki.js';

const DIR = join(OUTPUT_DIR, 'pdf-structure');
let pki: TestPki;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('pdf-structure');
});

const prepare = (pdf: Uint8Array, extra: Partial<PadesOptions> = {}) =>
  preparePades(pdf, {
    certificateChain: pki.rsa.chain,
    signingTime: new Date('2025-06-01T10:00:00Z'),
    ...extra,
  });

/** The object as qpdf resolves it (through the cross-reference chain, like viewers). */
function qpdfView(pdf: Uint8Array, ref: PDFRef, name: string): string {
  const file = join(DIR, `${name}.pdf`);
  writeFileSync(file, pdf);
  const r = run('qpdf', [`--show-object=${ref.objectNumber},${ref.generationNumber}`, file]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

function qpdfXref(pdf: Uint8Array, name: string): string {
  const file = join(DIR, `${name}.pdf`);
  writeFileSync(file, pdf);
  const r = run('qpdf', ['--show-xref', file]);
  expect(r.status).toBe(0);
  return r.stdout;
}

/** preparePades refuses it; the caller's bytes are untouched (nothing is written anywhere). */
async function expectShadowRefused(pdf: Uint8Array) {
  const copy = Buffer.from(pdf);
  await expect(prepare(pdf)).rejects.toMatchObject({
    name: 'ItsmeSignError',
    code: 'INVALID_REQUEST',
    field: 'document',
    message: expect.stringContaining('shadowed object'),
  });
  expect(Buffer.compare(Buffer.from(pdf), copy)).toBe(0);
}

describe('objects the cross-reference chain does not point to (shadowed objects)', () => {
  for (const useObjectStreams of [false, true]) {
    const kind = useObjectStreams ? 'xref stream + object streams' : 'xref table';

    it(`${kind}: refuses a second, unlisted page 1 that shows other content`, async () => {
      const original = await twoPagePdf(useObjectStreams);
      const refs = await refsOf(original);
      await expect(prepare(original)).resolves.toHaveProperty('digest');
      if (useObjectStreams) {
        // Page 1 lives in an object stream; the shadow is a plain object after it.
        expect(qpdfXref(original, 'objstm-original')).toMatch(
          new RegExp(`^${refs.page1.objectNumber}/0: compressed`, 'm'),
        );
      }
      const body = await pageWithContents(original, refs.page1, refs.page2Contents);
      const crafted = appendUnlisted(original, [{ ref: refs.page1, body }]);
      // The attack works on pdf-lib alone: it sees the shadow, a viewer (qpdf) sees the listed page.
      expect(await pdfLibView(crafted, refs.page1)).toContain(`/Contents ${refs.page2Contents}`);
      const viewer = qpdfView(crafted, refs.page1, `shadow-page-${useObjectStreams ? 'stream' : 'table'}`);
      expect(viewer).toContain(`/Contents ${refs.page1Contents}`);
      await expectShadowRefused(crafted);
    });

    it(`${kind}: refuses a shadowed catalog pointing to another page tree`, async () => {
      const original = await twoPagePdf(useObjectStreams);
      const refs = await refsOf(original);
      const fakePages = PDFRef.of(refs.unused);
      const crafted = appendUnlisted(original, [
        { ref: fakePages, body: `<</Type /Pages /Kids [${refs.page2}] /Count 1>>` },
        { ref: refs.catalog, body: `<</Type /Catalog /Pages ${fakePages}>>` },
      ]);
      expect(await pdfLibView(crafted, refs.catalog)).toContain(`/Pages ${fakePages}`);
      expect(
        qpdfView(crafted, refs.catalog, `shadow-catalog-${useObjectStreams ? 'stream' : 'table'}`),
      ).not.toContain(`${fakePages}`);
      await expectShadowRefused(crafted);
    });
  }

  it('refuses a shadow copy of page 1 hidden in a later, unlisted object stream', async () => {
    const original = await twoPagePdf(true);
    const refs = await refsOf(original);
    const body = await pageWithContents(original, refs.page1, refs.page2Contents);
    const crafted = appendUnlistedObjectStream(original, refs.unused, { ref: refs.page1, body });
    expect(await pdfLibView(crafted, refs.page1)).toContain(`/Contents ${refs.page2Contents}`);
    expect(qpdfView(crafted, refs.page1, 'shadow-in-objstm')).toContain(`/Contents ${refs.page1Contents}`);
    await expectShadowRefused(crafted);
  });

  it('refuses a stray trailer naming another catalog (pdf-lib takes the last trailer it reads)', async () => {
    const original = await twoPagePdf(false);
    const refs = await refsOf(original);
    const fake = PDFRef.of(refs.unused);
    const crafted = new Uint8Array(
      Buffer.concat([
        appendUnlisted(original, [{ ref: fake, body: `<</Type /Catalog /Pages ${refs.page2}>>` }]),
        Buffer.from(`trailer\n<</Size ${refs.unused + 1} /Root ${fake}>>\n`, 'latin1'),
      ]),
    );
    const doc = await PDFDocument.load(crafted, { updateMetadata: false });
    expect(doc.context.trailerInfo.Root).toBe(fake);
    await expectShadowRefused(crafted);
  });

  it('refuses a shadowed /AcroForm dictionary', async () => {
    const doc = await PDFDocument.load(await twoPagePdf(false), { updateMetadata: false });
    doc
      .getForm()
      .createTextField('buyer')
      .addToPage(doc.getPage(0), { x: 50, y: 700, width: 200, height: 20 });
    const original = await doc.save({ useObjectStreams: false });
    const loaded = await PDFDocument.load(original, { updateMetadata: false });
    const acroForm = loaded.catalog.get(PDFName.of('AcroForm'));
    expect(acroForm).toBeInstanceOf(PDFRef);
    await expect(prepare(original)).resolves.toHaveProperty('digest');
    const crafted = appendUnlisted(original, [{ ref: acroForm as PDFRef, body: '<</Fields []>>' }]);
    await expectShadowRefused(crafted);
  });

  it('accepts an identical duplicate (same content as the listed definition)', async () => {
    const original = await twoPagePdf(false);
    const refs = await refsOf(original);
    const body = await pageWithContents(original, refs.page1, refs.page1Contents);
    const crafted = appendUnlisted(original, [{ ref: refs.page1, body }]);
    await expect(prepare(crafted)).resolves.toHaveProperty('digest');
  });
});

describe('malformed page trees give INVALID_REQUEST', () => {
  it('a page tree that lists itself as a kid (pdf-lib alone overflows the stack)', async () => {
    const pdf = await withPageTree(pageTreeEdits.selfReferencing);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(() => doc.getPages()).toThrow(RangeError);
    await expect(prepare(pdf)).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'document' });
  });

  it('a /Kids that is not an array', async () => {
    const pdf = await withPageTree(pageTreeEdits.kidsNotArray);
    await expect(prepare(pdf)).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'document' });
  });

  it('a catalog without /Pages', async () => {
    const pdf = await withPageTree(pageTreeEdits.noPages);
    await expect(prepare(pdf)).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'document' });
  });
});

describe('size options are checked in prepare', () => {
  for (const contentsBytes of [-1, 0, 1.5, Number.NaN, 2 ** 24 + 1]) {
    it(`contentsBytes ${contentsBytes} → INVALID_REQUEST`, async () => {
      await expect(prepare(await twoPagePdf(false), { contentsBytes })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        field: 'contentsBytes',
      });
    });
  }
  for (const timestampReserve of [-5, 2.5]) {
    it(`timestampReserve ${timestampReserve} → INVALID_REQUEST`, async () => {
      await expect(
        prepare(await twoPagePdf(false), { level: 'B-T', timestampReserve }),
      ).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'timestampReserve' });
    });
  }
  it('a valid contentsBytes is kept in the state', async () => {
    const { state } = await prepare(await twoPagePdf(false), { contentsBytes: 20_000 });
    expect(state.contentsBytes).toBe(20_000);
  });
});
