/** Signs a PDF the way the handler does (prepare → JSON state → itsme®-like signature → finalize) and checks it. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractSignatures } from '@itsme-sign/test-support/pdf-checks';
import {
  opensslCmsPrint,
  opensslCmsVerify,
  pdfsig,
  pdfsigAsync,
  qpdfCheck,
} from '@itsme-sign/test-support/pdf-tools';
import { expect } from 'vitest';
import { type PadesOptions, preparePades } from '../pades.js';
import { finalizePades } from '../pades-finalize.js';
import type { RevocationOptions } from '../revocation.js';
import type { TsaOptions } from '../timestamp.js';
import { signDigest, type TestIdentity, type TestPki } from './pki.js';

export const POLICY = {
  oid: '1.3.6.1.4.1.49274.1.1.7.1.0',
  digest: '8efd9f3c4a8277d0425c89d7330ab688a52a348c0976d119c176eec7b12e3c36',
  digestAlgorithm: 'SHA256',
  url: 'https://www.itsme.be/files/COMPL_POL_GenericQualifiedSignaturePolicy-version-1.0.pdf',
};
/** ETSI "proof of approval". */
export const COMMITMENT = '1.2.840.113549.1.9.16.6.5';

export async function signPdf(
  pdf: Uint8Array,
  pki: TestPki,
  id: TestIdentity,
  extra: Partial<PadesOptions> & {
    tsa?: TsaOptions;
    ecFormat?: 'der' | 'raw';
    revocation?: RevocationOptions;
  } = {},
): Promise<Uint8Array> {
  const { tsa, ecFormat, revocation, ...options } = extra;
  const { digest, state } = await preparePades(pdf, {
    certificateChain: id.chain,
    signaturePolicy: POLICY,
    commitmentTypeOid: COMMITMENT,
    signerRole: 'Director',
    reason: 'Contract approval',
    location: 'Brussels',
    ...options,
  });
  const stored = JSON.parse(JSON.stringify(state));
  return finalizePades(pdf, stored, signDigest(id, digest, ecFormat), {
    trustAnchors: [pki.rootPem],
    ...(tsa ? { tsa } : {}),
    ...(revocation ? { revocation } : {}),
  });
}

/** pdfsig (all signatures valid, the last one covers the whole file), openssl cms -verify, qpdf --check. */
export function expectValidPdf(
  file: string,
  signed: Uint8Array,
  pki: TestPki,
  nssdir: string,
  count = 1,
): string {
  writeFileSync(file, signed);
  return checkValidPdf(file, signed, pki, pdfsig(file, nssdir), count);
}

/** The same, with pdfsig run asynchronously: its OCSP check can reach a sandbox running in this process. */
export async function expectValidPdfOnline(
  file: string,
  signed: Uint8Array,
  pki: Pick<TestPki, 'rootFile'>,
  nssdir: string,
  count = 1,
): Promise<string> {
  writeFileSync(file, signed);
  return checkValidPdf(file, signed, pki, await pdfsigAsync(file, nssdir), count);
}

function checkValidPdf(
  file: string,
  signed: Uint8Array,
  pki: Pick<TestPki, 'rootFile'>,
  result: ReturnType<typeof pdfsig>,
  count: number,
): string {
  const { signatures: all, raw } = result;
  const signatures = all.filter((s) => s.signed);
  expect(signatures, raw.stdout + raw.stderr).toHaveLength(count);
  for (const s of signatures) {
    expect(s.subFilter).toBe('ETSI.CAdES.detached');
    expect(s.validation).toBe('Signature is Valid.');
    expect(s.certificate).toBe('Certificate is Trusted.');
  }
  expect(signatures[count - 1]!.total).toBe(true);
  // openssl over each signature's byte ranges (the earlier ones too: they must stay valid).
  const extracted = extractSignatures(signed, file.replace(/\.pdf$/, ''));
  expect(extracted).toHaveLength(count);
  for (const { sigFile, contentFile } of extracted) {
    const v = opensslCmsVerify(sigFile, contentFile, pki.rootFile);
    expect(v.stderr).toContain('Verification successful');
    expect(v.status).toBe(0);
  }
  const { sigFile } = extracted[count - 1]!;
  const q = qpdfCheck(file);
  expect(q.stdout + q.stderr).toContain('No syntax or stream encoding errors found');
  expect(q.stderr).toBe('');
  expect(q.status).toBe(0);
  return opensslCmsPrint(sigFile);
}

export const outPath = (dir: string, name: string) => join(dir, name);
