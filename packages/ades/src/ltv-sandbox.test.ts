/**
 * Revocation and long-term validation against the sandbox's real OCSP responders and CRLs, through core's
 * handler in document mode: B-LTA embeds OCSP responses that `openssl ocsp` accepts as "good"; a user whose
 * certificate was revoked before signing gets no signature (CERTIFICATE_REVOKED).
 */

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createItsmeSign,
  createItsmeSignHandler,
  type DocumentSource,
  type ItsmeSignHandler,
  type SessionView,
} from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { nssDb, opensslCmsVerify, pdfsigAsync, qpdfCheck, run } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateCheck } from './certificate-check.js';
import { preparePades } from './pades.js';
import { finalizePades } from './pades-finalize.js';
import { PdfDict, PdfRef, PdfStream } from './pdf/objects.js';
import { openPdf } from './pdf/open-pdf.js';
import { readPdfStructure } from './pdf/pdf-reader.js';
import { decodeStream } from './pdf/stream-data.js';
import { RevocationCache } from './revocation.js';
import { type AdesSignerOptions, createAdesSigner } from './signer.js';
import { opensslCrlVerify } from './test-support/cades-checks.js';
import { cookieBrowser } from './test-support/cookie-browser.js';
import { contractWithFields } from './test-support/form-template.js';
import { sandboxSigner } from './test-support/sandbox-users.js';

const APP = 'http://127.0.0.1:8080';
const BASE = '/api/itsme';
const out = join(import.meta.dirname, '..', 'test-output', 'ltv-sandbox');
let sandbox: Sandbox;
let handler: ItsmeSignHandler;
let contract: Uint8Array;
const dataDir = mkdtempSync(join(tmpdir(), 'itsme-ades-ltv-'));

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  sandbox = await startSandbox({ dataDir });
  sandbox.addRedirectUrl(`${APP}${BASE}/callback`);
  contract = await contractWithFields();
  handler = handlerFor(
    { level: 'B-LTA', pdfSignature: { signatureField: 'next-empty' } },
    { name: 'loan.pdf', contentType: 'application/pdf', data: contract },
  );
});
afterAll(async () => {
  await handler?.close();
  await sandbox?.close();
});

/** Core's handler in document mode signing `document` with the sandbox's CA, TSA and OCSP responders. */
function handlerFor(signer: Pick<AdesSignerOptions, 'level' | 'pdfSignature'>, document: DocumentSource) {
  const root = sandbox.credentials.rootCaPem;
  return createItsmeSignHandler({
    basePath: BASE,
    statusPageUrl: '/sign/status',
    cookie: { secrets: ['ltv-sandbox-secret-0123456789-abcdefghij'] },
    redirectUrl: `${APP}${BASE}/callback`,
    client: sandbox.clientOptions(),
    documents: {
      documentSigner: createAdesSigner({
        trustAnchors: [root],
        tsaUrl: sandbox.tsaUrl,
        tsa: { trustAnchors: [root] },
        ...signer,
      }),
      resolveDocument: async () => document,
    },
  });
}

/** Runs the document-mode flow for `phone`; `beforeSigning` runs once the user is identified. */
async function sign(
  phone: string,
  beforeSigning?: () => Promise<void>,
): Promise<{ view: SessionView; pdf?: Uint8Array }> {
  const go = cookieBrowser(APP, async (request) => (await handler.handle(request)) as Response);
  const started = (await (
    await go(`${BASE}/sessions`, { method: 'POST', body: JSON.stringify({ documentId: 'loan', lang: 'EN' }) })
  ).json()) as SessionView;
  await sandbox.control.identify({ url: (started.next as { url: string }).url, phone });
  await beforeSigning?.();
  await go(`${BASE}/callback`);
  const signing = (await (await go(`${BASE}/session`)).json()) as SessionView;
  if (signing.status !== 'signing') return { view: signing };
  await sandbox.control.sign({ url: (signing.next as { url: string }).url });
  await go(`${BASE}/callback`);
  const view = (await (await go(`${BASE}/session`)).json()) as SessionView;
  if (view.status !== 'signed') return { view };
  return { view, pdf: new Uint8Array(await (await go(`${BASE}/session/result`)).arrayBuffer()) };
}

/** The DER items of the /DSS array `key`. */
async function dssItems(pdf: Uint8Array, key: 'OCSPs' | 'CRLs' | 'Certs'): Promise<Uint8Array[]> {
  const s = await readPdfStructure((await openPdf(pdf)).source);
  const dss = await s.file.deref(s.catalog.get('DSS'));
  const refs = dss instanceof PdfDict ? await s.file.deref(dss.get(key)) : [];
  const items: Uint8Array[] = [];
  for (const ref of Array.isArray(refs) ? refs : []) {
    const stream = ref instanceof PdfRef ? await s.file.resolve(ref) : undefined;
    if (!(stream instanceof PdfStream)) continue;
    const length = await s.file.deref(stream.dict.get('Length'));
    items.push(
      await decodeStream(
        s.file.source,
        stream,
        (length as { value: number }).value,
        { decoded: 0, limit: 1 << 24 },
        'a DSS stream',
      ),
    );
  }
  return items;
}

describe('CAdES B-LT against the sandbox', () => {
  it('the .p7s carries the chains and the OCSP responses (id-ri-ocsp-response); openssl verifies it', async () => {
    const text = Buffer.from('Annex 3: tariffs 2027\n');
    const cades = handlerFor({ level: 'B-LT' }, { name: 'annex.txt', contentType: 'text/plain', data: text });
    const saved = handler;
    handler = cades;
    try {
      const { view, pdf: p7s } = await sign('+32470555004');
      expect(view.status, JSON.stringify(view.error)).toBe('signed');
      const sigFile = join(out, 'annex.txt.p7s');
      const contentFile = join(out, 'annex.txt');
      writeFileSync(sigFile, p7s!);
      writeFileSync(contentFile, text);
      const verified = opensslCmsVerify(sigFile, contentFile, sandbox.credentials.files.rootCa);
      expect(verified.stderr).toContain('Verification successful');
      const printed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sigFile]).stdout;
      expect(printed).toContain('1.3.6.1.5.5.7.16.2');
      expect(printed).toContain('id-smime-aa-timeStampToken');
    } finally {
      handler = saved;
      await cades.close();
    }
  });
});

describe('revocation and B-LTA against the sandbox', () => {
  it('B-LTA: the OCSP responses embedded in /DSS say "good" to openssl; the signature validates online', async () => {
    const before = sandbox.stats().calls.sign ?? 0;
    const { view, pdf } = await sign('+32470555001');
    expect(view.status, JSON.stringify(view.error)).toBe('signed');
    expect(sandbox.stats().calls.sign).toBeGreaterThan(before);
    const nss = nssDb(join(out, 'nss'), sandbox.credentials.files.rootCa);
    const file = join(out, 'b-lta.pdf');
    writeFileSync(file, pdf!);
    // pdfsig: the signature (its OCSP check reaches the sandbox) and the document timestamp after it.
    const { signatures } = await pdfsigAsync(file, nss);
    const made = signatures.filter((s) => s.signed);
    expect(made).toHaveLength(2);
    expect(made[0]).toMatchObject({
      validation: 'Signature is Valid.',
      certificate: 'Certificate is Trusted.',
    });
    const ocsps = await dssItems(pdf!, 'OCSPs');
    expect(ocsps.length).toBeGreaterThanOrEqual(2);
    for (const [i, der] of ocsps.entries()) {
      const respFile = join(out, `ocsp-${i}.der`);
      writeFileSync(respFile, der);
      const r = run('openssl', ['ocsp', '-respin', respFile, '-resp_text', '-noverify']);
      expect(r.stdout).toContain('Cert Status: good');
    }
    expect((await dssItems(pdf!, 'Certs')).length).toBeGreaterThanOrEqual(4);
  });

  it('a second signature by the same user fetches nothing: the OCSP answers are kept until their nextUpdate', async () => {
    const ocspCalls = () => sandbox.stats().calls.ocsp ?? 0;
    await sign('+32470555003');
    const before = ocspCalls();
    const { view } = await sign('+32470555003');
    expect(view.status, JSON.stringify(view.error)).toBe('signed');
    expect(ocspCalls()).toBe(before);
  });

  it('a certificate revoked before signing: refused in prepare, no sign call reaches itsme®', async () => {
    const phone = '+32470555002';
    const signCalls = () => sandbox.stats().calls.sign ?? 0;
    const before = signCalls();
    const { view, pdf } = await sign(phone, () =>
      sandbox.control.revoke({ phone, reason: 'keyCompromise' }).then(() => undefined),
    );
    expect(pdf).toBeUndefined();
    expect(signCalls()).toBe(before);
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('CERTIFICATE_REVOKED');
    expect(view.error?.message).toMatch(/revoked/);
  });
});

describe('hash mode: the signer checked before any sign call (core certificateCheck + createCertificateCheck)', () => {
  /** A hash-mode session for `phone` up to the sign start; `beforeReturn` runs once the user is identified. */
  async function hashSession(phone: string, beforeReturn?: () => Promise<unknown>) {
    const itsme = createItsmeSign({
      client: sandbox.clientOptions(),
      redirectUrl: `${APP}${BASE}/callback`,
      statusPageUrl: '/sign/status',
      cookie: { secrets: ['ltv-sandbox-secret-0123456789-abcdefghij'] },
      completeInBackground: false,
      certificateCheck: createCertificateCheck({
        trustAnchors: [sandbox.credentials.rootCaPem],
        revocation: { mode: 'require' },
      }),
    });
    try {
      const digest = createHash('sha256').update(phone).digest('base64');
      const started = await itsme.orchestrator.start({ subject: { mode: 'hash', digest } });
      if (started.status !== 'identifying') throw new Error(started.status);
      await sandbox.control.identify({ url: started.identification.identificationUrl, phone });
      await beforeReturn?.();
      return await itsme.orchestrator.userReturned(started.id);
    } finally {
      await itsme.close();
    }
  }
  const signCalls = () => sandbox.stats().calls.sign ?? 0;

  it('a good signer goes on to sign', async () => {
    const before = signCalls();
    expect((await hashSession('+32470555011'))?.status).toBe('signing');
    expect(signCalls()).toBe(before + 1);
  });

  it('a revoked signer ends CERTIFICATE_REVOKED and no sign call reaches itsme®', async () => {
    const phone = '+32470555012';
    const before = signCalls();
    const ended = await hashSession(phone, () => sandbox.control.revoke({ phone, reason: 'keyCompromise' }));
    expect(ended).toMatchObject({ status: 'failed', failure: { code: 'CERTIFICATE_REVOKED' } });
    expect(signCalls()).toBe(before);
  });

  it('responders down under require: REVOCATION_UNAVAILABLE, nothing sent to sign', async () => {
    sandbox.control.setFault('ocsp', { kind: 'reset' });
    sandbox.control.setFault('crl', { kind: 'reset' });
    try {
      const before = signCalls();
      const ended = await hashSession('+32470555013');
      expect(ended).toMatchObject({ status: 'failed', failure: { code: 'REVOCATION_UNAVAILABLE' } });
      expect(signCalls()).toBe(before);
    } finally {
      sandbox.control.setFault('ocsp', null);
      sandbox.control.setFault('crl', null);
    }
  });
});

describe('CRLs in /DSS (OCSP responders down)', () => {
  it('B-LT with the OCSP fault: the CRLs go into /DSS and each verifies with `openssl crl -verify` against its issuer', async () => {
    const user = await sandboxSigner(sandbox, dataDir, '+32470555010');
    const root = sandbox.credentials.rootCaPem;
    sandbox.setFault('ocsp', { kind: 'status', status: 503 });
    try {
      const revocation = { cache: new RevocationCache() };
      const { digest, state } = await preparePades(contract, {
        certificateChain: user.chain,
        level: 'B-LT',
        trustAnchors: [root],
        revocation,
      });
      const pdf = await finalizePades(contract, state, user.sign(digest), {
        trustAnchors: [root],
        tsa: { url: sandbox.tsaUrl, trustAnchors: [root] },
        revocation,
      });
      const file = join(out, 'b-lt-crl.pdf');
      writeFileSync(file, pdf);
      expect(await dssItems(pdf, 'OCSPs')).toHaveLength(0);
      const crls = await dssItems(pdf, 'CRLs');
      // The qualified CA's CRL (the user) and the root's (the qualified CA, the TSA): each once.
      expect(crls).toHaveLength(2);
      const issuers = [sandbox.credentials.files.issuingCa, sandbox.credentials.files.rootCa];
      for (const [i, crl] of crls.entries()) {
        const verified = opensslCrlVerify(crl, issuers[i]!, join(out, `dss-crl-${i}.der`));
        expect(verified.stdout + verified.stderr).toContain('verify OK');
        expect(verified.status).toBe(0);
      }
      sandbox.setFault('ocsp', null);
      const { signatures } = await pdfsigAsync(
        file,
        nssDb(join(out, 'nss-crl'), sandbox.credentials.files.rootCa),
      );
      expect(signatures.filter((s) => s.signed)[0]).toMatchObject({ validation: 'Signature is Valid.' });
      expect(qpdfCheck(file).status).toBe(0);
    } finally {
      sandbox.setFault('ocsp', null);
    }
  });
});
