/**
 * Signing changes nothing a reader sees: every corpus PDF (many writers), signed at B-B, renders to the
 * same pixels as the original with poppler (pdftoppm) and MuPDF (mutool draw), and its signature is valid.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nssDb } from '@itsme-sign/test-support/pdf-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, CORPUS_NAMES } from './test-support/corpus.js';
import { expectValidPdf, signPdf } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, type TestPki } from './test-support/pki.js';
import { expectSameRendering } from './test-support/render.js';

const DIR = join(OUTPUT_DIR, 'visual-equality');
let pki: TestPki;
let corpus: Record<string, Uint8Array>;
let nss: string;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('visual-equality');
  corpus = await buildCorpus(DIR);
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
});

describe('a signed PDF renders exactly like the original (pdftoppm and mutool)', () => {
  it('the corpus is the expected one', () => {
    expect(Object.keys(corpus)).toEqual([...CORPUS_NAMES]);
  });

  for (const name of CORPUS_NAMES) {
    it(`${name}`, async () => {
      const input = corpus[name]!;
      const signed = await signPdf(input, pki, pki.rsa);
      expect(Buffer.compare(Buffer.from(signed.subarray(0, input.length)), Buffer.from(input))).toBe(0);
      expectValidPdf(join(DIR, `${name}.signed.pdf`), signed, pki, nss);
      expectSameRendering(input, signed, DIR, name);
    });
  }

  for (const name of ['pdf-lib-acroform', 'qpdf-pdf-2.0-object-streams'] as const) {
    it(`${name} signed twice: both signatures valid, rendering unchanged`, async () => {
      const input = corpus[name]!;
      const once = await signPdf(input, pki, pki.rsa);
      // A second signer: pdfsig (NSS) reports "Unknown issue with Certificate" for the second of two
      // signatures by the same certificate in one file, a pdfsig quirk unrelated to the signer.
      const twice = await signPdf(once, pki, pki.ec, { reason: 'Countersignature' });
      expectValidPdf(join(DIR, `${name}.twice.signed.pdf`), twice, pki, nss, 2);
      expectSameRendering(input, twice, DIR, `${name}.twice`);
    });
  }
});
