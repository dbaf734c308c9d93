import 'reflect-metadata';
/**
 * B-LT and B-LTA mechanics on the test PKI (no revocation endpoints there: `prefer` mode): the /DSS update
 * with the chains, and the document timestamp over everything; checked by pdfsig, qpdf and `openssl ts`.
 * Revocation fetched from a real OCSP responder and CRL is tested against the sandbox (ltv-sandbox.test.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractLastSignature } from '@itsme-sign/test-support/pdf-checks';
import { nssDb, opensslTsVerify, pdfsig, qpdfCheck } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendPades } from './ltv.js';
import { PdfDict } from './pdf/objects.js';
import { openPdf } from './pdf/open-pdf.js';
import { readPdfStructure } from './pdf/pdf-reader.js';
import { contractWithFields } from './test-support/form-template.js';
import { signPdf } from './test-support/pades-helpers.js';
import { createTestPki, OUTPUT_DIR, type TestPki } from './test-support/pki.js';
import { startTestTsa, type TestTsa } from './test-support/tsa.js';

const DIR = join(OUTPUT_DIR, 'ltv');
let pki: TestPki;
let nss: string;
let tsa: TestTsa;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('ltv');
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
  tsa = await startTestTsa(pki.tsa);
});
afterAll(() => tsa?.close());

const tsaOptions = () => ({ url: tsa.url, trustAnchors: [pki.rootPem] });

/** The arrays of the catalog's /DSS, by their sizes. */
async function dssOf(pdf: Uint8Array): Promise<Record<string, number>> {
  const s = await readPdfStructure((await openPdf(pdf)).source);
  const dss = await s.file.deref(s.catalog.get('DSS'));
  expect(dss).toBeInstanceOf(PdfDict);
  const out: Record<string, number> = {};
  for (const key of ['Certs', 'OCSPs', 'CRLs']) {
    const v = await s.file.deref((dss as PdfDict).get(key));
    out[key] = Array.isArray(v) ? v.length : 0;
  }
  return out;
}

/** `openssl ts -verify`: the last signature is a document timestamp over everything before it. */
function expectDocumentTimestamp(pdf: Uint8Array, name: string): void {
  const { sigFile, contentFile } = extractLastSignature(pdf, join(DIR, `${name}.doc-ts`));
  const chain = join(DIR, 'tsa-chain.pem');
  writeFileSync(chain, pki.tsa.chain.join('\n'));
  const r = opensslTsVerify(sigFile, { data: contentFile }, pki.rootFile, chain);
  expect(r.stdout + r.stderr).toContain('Verification: OK');
  expect(r.status).toBe(0);
}

describe('B-LT and B-LTA', () => {
  it('B-LTA through finalize: signature + /DSS + document timestamp, every check passes', async () => {
    const input = await contractWithFields();
    const signed = await signPdf(input, pki, pki.rsa, {
      level: 'B-LTA',
      tsa: tsaOptions(),
      signatureField: { name: 'Client' },
      revocation: { mode: 'prefer' },
    });
    const file = join(DIR, 'b-lta.pdf');
    writeFileSync(file, signed);
    const { signatures, raw } = pdfsig(file, nss);
    const made = signatures.filter((s) => s.signed);
    expect(made, raw.stdout).toHaveLength(2);
    expect(made[0]!.validation).toBe('Signature is Valid.');
    // poppler cannot validate document timestamps ("Signature Type: unknown"): openssl does, below.
    expect(made[1]!.total).toBe(true);
    expect(made[0]!.total).toBe(false);
    expect(qpdfCheck(file).status).toBe(0);
    // The document timestamp covers everything before it, /DSS included.
    expectDocumentTimestamp(signed, 'b-lta');
    // The DSS holds the signer's chain, the TSA's and the root.
    const dss = await dssOf(signed);
    expect(dss.Certs).toBeGreaterThanOrEqual(4);
  });

  it('extendPades augments a B-T signature made earlier to B-LT, then to B-LTA', async () => {
    const bt = await signPdf(await contractWithFields(), pki, pki.ec, { level: 'B-T', tsa: tsaOptions() });
    const lt = await extendPades(bt, {
      level: 'B-LT',
      trustAnchors: [pki.rootPem],
      revocation: { mode: 'prefer' },
    });
    const differs = Buffer.from(lt).findIndex((b, i) => i < bt.length && b !== bt[i]);
    expect(differs, `first difference at ${differs} of ${bt.length}`).toBe(-1);
    writeFileSync(join(DIR, 'lt.pdf'), lt);
    const [signature] = pdfsig(join(DIR, 'lt.pdf'), nss).signatures.filter((s) => s.signed);
    // Valid, and no longer covering the whole file: the /DSS update follows it.
    expect(signature).toMatchObject({ validation: 'Signature is Valid.', total: false });
    expect(qpdfCheck(join(DIR, 'lt.pdf')).status).toBe(0);
    expect((await dssOf(lt)).Certs).toBeGreaterThanOrEqual(3);
    const lta = await extendPades(lt, {
      level: 'B-LTA',
      trustAnchors: [pki.rootPem],
      tsa: tsaOptions(),
      revocation: { mode: 'prefer' },
    });
    const file = join(DIR, 'lta.pdf');
    writeFileSync(file, lta);
    const made = pdfsig(file, nss).signatures.filter((s) => s.signed);
    expect(made).toHaveLength(2);
    expect(made[0]!.validation).toBe('Signature is Valid.');
    expect(qpdfCheck(file).status).toBe(0);
    expectDocumentTimestamp(lta, 'lta');
  });

  it('require mode refuses a chain whose revocation status cannot be established', async () => {
    const bt = await signPdf(await contractWithFields(), pki, pki.ec, { level: 'B-T', tsa: tsaOptions() });
    await expect(extendPades(bt, { level: 'B-LT', trustAnchors: [pki.rootPem] })).rejects.toMatchObject({
      code: 'REVOCATION_UNAVAILABLE',
      message: expect.stringContaining('could not be established'),
    });
  });
});
