/**
 * Visible signatures, signature fields, several signers and certification, checked with tools we did not
 * write: pdfsig (every signature valid), pdftotext (the block's text, so the embedded font's ToUnicode is
 * right), pdftoppm and mutool (the page changes inside the signature's rectangle and nowhere else).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nssDb, run } from '@itsme-sign/test-support/pdf-tools';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listSignatureFields, preparePades } from './index.js';
import { contractWithFields, TEMPLATE_FIELDS } from './test-support/form-template.js';
import { expectValidPdf, signPdf } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, type TestPki } from './test-support/pki.js';
import { changedBox, RENDERERS, renderPages } from './test-support/render.js';

const DIR = join(OUTPUT_DIR, 'visible');
let pki: TestPki;
let nss: string;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('visible');
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
});

async function onePage(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Mandate for a direct debit', { x: 50, y: 780, size: 16, font });
  doc.addPage([595, 842]).drawText('Annex', { x: 50, y: 780, size: 16, font });
  return doc.save({ useObjectStreams: true });
}

function text(pdf: Uint8Array, name: string, page = 1): string {
  const file = join(DIR, `${name}.pdf`);
  writeFileSync(file, pdf);
  const r = run('pdftotext', ['-f', String(page), '-l', String(page), '-enc', 'UTF-8', file, '-']);
  expect(r.status).toBe(0);
  return Buffer.from(r.stdout, 'latin1').toString('utf8');
}

/** Page `page` changes inside `rect` (a point of slack for anti-aliasing) and nowhere else, in both renderers. */
function expectChangeWithin(before: Uint8Array, after: Uint8Array, rect: number[], name: string, page = 1) {
  for (const renderer of RENDERERS) {
    const a = renderPages(before, DIR, `${name}.before`, renderer)[page - 1]!;
    const b = renderPages(after, DIR, `${name}.after`, renderer)[page - 1]!;
    const box = changedBox(a, b);
    expect(box, `${renderer}: nothing drawn`).toBeDefined();
    const [x1, y1, x2, y2] = box!;
    const slack = 72 / 36 + 1;
    expect(x1, renderer).toBeGreaterThanOrEqual(rect[0]! - slack);
    expect(y1, renderer).toBeGreaterThanOrEqual(rect[1]! - slack);
    expect(x2, renderer).toBeLessThanOrEqual(rect[2]! + slack);
    expect(y2, renderer).toBeLessThanOrEqual(rect[3]! + slack);
  }
}

const logo = (): Uint8Array => {
  const png = new PNG({ width: 24, height: 24 });
  for (let i = 0; i < 24 * 24; i++) png.data.set([255, 90, 0, i % 24 < 12 ? 255 : 128], i * 4);
  return PNG.sync.write(png);
};

describe('visible signatures', () => {
  it('a block on page 2 at a rectangle: name, date, role and the localized label, with a PNG logo', async () => {
    const input = await onePage();
    const rect: [number, number, number, number] = [300, 60, 560, 140];
    const signed = await signPdf(input, pki, pki.rsa, {
      signatureField: { page: 2, rect },
      appearance: { lang: 'FR', image: logo() },
      signingTime: new Date('2026-12-01T10:15:00Z'),
    });
    expectValidPdf(join(DIR, 'page2.pdf'), signed, pki, nss);
    const shown = text(signed, 'page2.text', 2);
    for (const part of ['Alice Rsa', 'Qualité: Director', 'Date: 2026-12-01 10:15 UTC', 'Signé avec itsme®'])
      expect(shown).toContain(part);
    expectChangeWithin(input, signed, rect, 'page2', 2);
    // Page 1 does not change.
    for (const renderer of RENDERERS) {
      const [a, b] = [
        renderPages(input, DIR, 'p1.before', renderer)[0]!,
        renderPages(signed, DIR, 'p1.after', renderer)[0]!,
      ];
      expect(changedBox(a, b), renderer).toBeUndefined();
    }
    const { fields } = await listSignatureFields(signed);
    expect(fields).toEqual([
      { name: 'Signature1', page: 2, rect, visible: true, signed: true, signer: 'Alice Rsa' },
    ]);
  });

  it.each([0, 1, 2, 3])('names outside WinAnsi render as written (identity %i)', async (i) => {
    const id = pki.international[i]!;
    const cn =
      id.chain[0] &&
      /CN=([^,]+)/.exec(new (await import('@peculiar/x509')).X509Certificate(id.chain[0]).subject)![1]!;
    const input = await onePage();
    const rect: [number, number, number, number] = [40, 600, 400, 680];
    const signed = await signPdf(input, pki, id, { signatureField: { rect }, appearance: { lang: 'NL' } });
    expectValidPdf(join(DIR, `intl-${i}.pdf`), signed, pki, nss);
    const shown = text(signed, `intl-${i}.text`);
    expect(shown).toContain(cn);
    expect(shown).toContain('Ondertekend met itsme®');
    expectChangeWithin(input, signed, rect, `intl-${i}`);
  });

  it('invisible stays the default', async () => {
    const input = await onePage();
    const signed = await signPdf(input, pki, pki.ec);
    expectValidPdf(join(DIR, 'invisible.pdf'), signed, pki, nss);
    for (const renderer of RENDERERS) {
      const [a, b] = [
        renderPages(input, DIR, 'inv.before', renderer)[0]!,
        renderPages(signed, DIR, 'inv.after', renderer)[0]!,
      ];
      expect(changedBox(a, b), renderer).toBeUndefined();
    }
  });
});

describe('several signers on one contract', () => {
  it('lists the empty fields, then client and bank sign their fields in turn; both signatures stay valid', async () => {
    const template = await contractWithFields();
    expect((await listSignatureFields(template)).fields).toEqual(
      TEMPLATE_FIELDS.map((f) => ({ name: f.name, page: 1, rect: f.rect, visible: true, signed: false })),
    );
    const byClient = await signPdf(template, pki, pki.rsa, {
      signatureField: { name: 'Client' },
      appearance: { lang: 'EN' },
      certify: 2,
    });
    expectValidPdf(join(DIR, 'contract.client.pdf'), byClient, pki, nss);
    expectChangeWithin(template, byClient, TEMPLATE_FIELDS[0]!.rect, 'contract.client');
    const listed = await listSignatureFields(byClient);
    expect(listed.certification).toBe(2);
    expect(listed.fields.map((f) => [f.name, f.signed, f.signer])).toEqual([
      ['Client', true, 'Alice Rsa'],
      ['Bank', false, undefined],
    ]);
    // Certified for form filling and signing: a new field is refused, the empty one can be signed.
    await expect(
      preparePades(byClient, { certificateChain: pki.ec.chain, signatureField: { rect: [10, 10, 100, 50] } }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'signatureField.name' });
    await expect(
      preparePades(byClient, { certificateChain: pki.ec.chain, signatureField: { name: 'Client' } }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('already signed') });
    const byBank = await signPdf(byClient, pki, pki.ec, {
      signatureField: { name: 'Bank' },
      appearance: { lang: 'NL' },
      lockFields: 'all',
    });
    expectValidPdf(join(DIR, 'contract.both.pdf'), byBank, pki, nss, 2);
    expectChangeWithin(byClient, byBank, TEMPLATE_FIELDS[1]!.rect, 'contract.bank');
    expect(text(byBank, 'contract.both.text')).toMatch(/Alice Rsa[\s\S]*Bob Ec|Bob Ec[\s\S]*Alice Rsa/);
    expect((await listSignatureFields(byBank)).fields.every((f) => f.signed)).toBe(true);
  });

  it('a document certified with no changes allowed (P=1) is refused before anyone is asked to sign', async () => {
    const certified = await signPdf(await contractWithFields(), pki, pki.rsa, {
      signatureField: { name: 'Client' },
      certify: 1,
    });
    expectValidPdf(join(DIR, 'certified-p1.pdf'), certified, pki, nss);
    await expect(
      preparePades(certified, { certificateChain: pki.ec.chain, signatureField: { name: 'Bank' } }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('P=1') });
  });

  it("'next-empty' takes the form's empty fields in turn, then a new invisible field", async () => {
    let pdf = await contractWithFields();
    for (const [i, id] of [pki.rsa, pki.ec, pki.international[0]!].entries()) {
      pdf = await signPdf(pdf, pki, id, { signatureField: 'next-empty' });
      expectValidPdf(join(DIR, `next-empty-${i}.pdf`), pdf, pki, nss, i + 1);
    }
    const { fields } = await listSignatureFields(pdf);
    expect(fields.map((f) => [f.name, f.visible, f.signer])).toEqual([
      ['Client', true, 'Alice Rsa'],
      ['Bank', true, 'Bob Ec'],
      ['Signature1', false, 'Zażółć Gęślą Jaźń'],
    ]);
  });

  it('only the first signature can certify', async () => {
    const once = await signPdf(await contractWithFields(), pki, pki.rsa, {
      signatureField: { name: 'Client' },
    });
    await expect(
      preparePades(once, { certificateChain: pki.ec.chain, signatureField: { name: 'Bank' }, certify: 2 }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', field: 'certify' });
  });
});
