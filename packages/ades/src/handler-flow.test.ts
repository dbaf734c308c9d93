/**
 * Document mode end to end: core's web handler + this package's signer + the sandbox (real mTLS, real user
 * keys). The signed PDF is checked by pdfsig, openssl cms and qpdf.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createItsmeSignHandler, type ItsmeSignHandler, type SessionView } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { nssDb } from '@itsme-sign/test-support/pdf-tools';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdesSigner } from './signer.js';
import { cookieBrowser } from './test-support/cookie-browser.js';
import { expectValidPdfOnline } from './test-support/pades-helpers.js';

const APP = 'http://127.0.0.1:8080';
const BASE = '/api/itsme';
const out = join(import.meta.dirname, '..', 'test-output', 'handler-flow');
let sandbox: Sandbox;
let handler: ItsmeSignHandler;
let contract: Uint8Array;
let nssdir: string;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-ades-flow-')) });
  sandbox.addRedirectUrl(`${APP}${BASE}/callback`);
  nssdir = nssDb(join(out, 'nss'), sandbox.credentials.files.rootCa);
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Car insurance contract n° 2026-0042', { x: 50, y: 780, size: 14, font });
  contract = await doc.save();
  handler = createItsmeSignHandler({
    basePath: BASE,
    statusPageUrl: '/sign/status',
    cookie: { secrets: ['document-mode-secret-0123456789-abcdef'] },
    redirectUrl: `${APP}${BASE}/callback`,
    client: sandbox.clientOptions(),
    commitmentTypeRef: '1.2.840.113549.1.9.16.6.5',
    documents: {
      documentSigner: createAdesSigner({
        trustAnchors: [sandbox.credentials.rootCaPem],
        reason: 'Contract approval',
        level: 'B-T',
        tsaUrl: sandbox.tsaUrl,
        tsa: { trustAnchors: [sandbox.credentials.rootCaPem] },
      }),
      async resolveDocument(id) {
        return id === 'contract-42'
          ? { name: 'contract-42.pdf', contentType: 'application/pdf', data: contract }
          : undefined;
      },
    },
  });
});
afterAll(async () => {
  await handler?.close();
  await sandbox?.close();
});

/** One browser: keeps the cookie the handler sets. */
const browser = () => cookieBrowser(APP, async (request) => (await handler.handle(request)) as Response);

describe('document mode through the handler and the sandbox', () => {
  it.each(['rsa', 'ec'] as const)(
    'signs a PDF (%s user) that pdfsig, openssl and qpdf accept',
    async (keyType) => {
      const phone = keyType === 'rsa' ? '+32470111111' : '+32470222222';
      // The sandbox creates users with the key type in force when they first identify.
      const sb =
        keyType === 'rsa'
          ? sandbox
          : await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-ades-ec-')), userKeyType: 'ec' });
      const h =
        keyType === 'rsa'
          ? handler
          : createItsmeSignHandler({
              basePath: BASE,
              statusPageUrl: '/sign/status',
              cookie: { secrets: ['document-mode-secret-0123456789-abcdef'] },
              redirectUrl: `${APP}${BASE}/callback`,
              client: sb.clientOptions(),
              documents: {
                documentSigner: createAdesSigner({ trustAnchors: [sb.credentials.rootCaPem] }),
                resolveDocument: async () => ({
                  name: 'contract-42.pdf',
                  contentType: 'application/pdf',
                  data: contract,
                }),
              },
            });
      if (sb !== sandbox) sb.addRedirectUrl(`${APP}${BASE}/callback`);
      const saved = handler;
      handler = h;
      try {
        const go = browser();
        const started = (await (
          await go(`${BASE}/sessions`, {
            method: 'POST',
            body: JSON.stringify({
              documentId: 'contract-42',
              documentName: 'contract-42.pdf',
              signerRole: 'Director',
              lang: 'EN',
            }),
          })
        ).json()) as SessionView;
        expect(started).toMatchObject({ status: 'identifying', mode: 'document' });
        await sb.control.identify({ url: (started.next as { url: string }).url, phone });
        expect((await go(`${BASE}/callback`)).status).toBe(303);
        const signing = (await (await go(`${BASE}/session`)).json()) as SessionView;
        expect(signing.status).toBe('signing');
        await sb.control.sign({ url: (signing.next as { url: string }).url });
        await go(`${BASE}/callback`);
        const done = (await (await go(`${BASE}/session`)).json()) as SessionView;
        expect(done.status, JSON.stringify(done.error)).toBe('signed');
        const result = await go(`${BASE}/session/result`);
        expect(result.status).toBe(200);
        expect(result.headers.get('content-type')).toBe('application/pdf');
        expect(result.headers.get('content-disposition')).toContain('contract-42.pdf');
        const signed = new Uint8Array(await result.arrayBuffer());
        expect(Buffer.from(signed.subarray(0, contract.length)).equals(Buffer.from(contract))).toBe(true);
        const nss = sb === sandbox ? nssdir : nssDb(join(out, `nss-${keyType}`), sb.credentials.files.rootCa);
        const printed = await expectValidPdfOnline(
          join(out, `handler-${keyType}.pdf`),
          signed,
          { rootFile: sb.credentials.files.rootCa },
          nss,
        );
        expect(printed).toContain('signingCertificateV2');
        // B-T through the sandbox's time-stamping authority (RSA case), B-B otherwise.
        if (keyType === 'rsa') expect(printed).toContain('id-smime-aa-timeStampToken');
        // No signingTime among the signer's signed attributes (the TSA's own token may carry one).
        const signedAttrs = printed.slice(
          printed.indexOf('signedAttrs:'),
          printed.indexOf('signatureAlgorithm:', printed.indexOf('signedAttrs:')),
        );
        expect(signedAttrs).toContain('messageDigest');
        expect(signedAttrs).not.toContain('signingTime');
      } finally {
        handler = saved;
        if (sb !== sandbox) {
          await h.close();
          await sb.close();
        }
      }
    },
  );

  it('an unknown document is a typed 404 before anything is sent to itsme®', async () => {
    const go = browser();
    const before = sandbox.stats().calls.identification ?? 0;
    const res = await go(`${BASE}/sessions`, {
      method: 'POST',
      body: JSON.stringify({ documentId: 'nope' }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DOCUMENT_NOT_FOUND');
    expect(sandbox.stats().calls.identification ?? 0).toBe(before);
  });
});
