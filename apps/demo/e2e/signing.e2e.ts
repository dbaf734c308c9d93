/**
 * The whole flow through the real UI, the real back ends and the sandbox's real pages, in Debian's Chromium.
 * Screenshots of every step land in apps/demo/test-output/screenshots/<backend>-<flow>/.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createB2BClient } from '@itsme-sign/core';
import { launchChromium } from '@itsme-sign/test-support/browser';
import { extractSignatures } from '@itsme-sign/test-support/pdf-checks';
import { opensslCmsPrint, opensslCmsVerify, opensslTsVerify } from '@itsme-sign/test-support/pdf-tools';
import { unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOWNLOADS, SCREENSHOTS, screenshotter } from './support/browser.js';
import { type Backend, type DemoHandle, startDemo } from './support/demo.js';
import {
  highlightedIcon,
  identify,
  nextPhoneNumber,
  phoneIcons,
  pickIcon,
  startSigning,
  statusTitle,
  waitForPhase,
} from './support/flow.js';

const PDFSIG = '/usr/bin/pdfsig';

/**
 * Runs pdfsig; fails (never skips) when it is not installed. Asynchronously: the certificate's OCSP responder
 * is the sandbox in this process, which a synchronous spawn would keep from answering.
 */
async function pdfsig(file: string): Promise<string> {
  if (!existsSync(PDFSIG)) throw new Error(`${PDFSIG} is missing: apt-get install poppler-utils`);
  return new Promise((resolve) => {
    execFile(PDFSIG, [file], { encoding: 'utf8' }, (_error, stdout, stderr) =>
      resolve(`${stdout}\n${stderr}`),
    );
  });
}

async function download(page: Page, name: string): Promise<string> {
  mkdirSync(DOWNLOADS, { recursive: true });
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('itsme-sign-download').click(),
  ]);
  const path = join(DOWNLOADS, name);
  await file.saveAs(path);
  return path;
}

function certificateOf(text: string): X509Certificate {
  return new X509Certificate(text.includes('-----BEGIN') ? text : Buffer.from(text, 'base64'));
}

const flows = {
  /** Which flows run on which back end (the main flow and the ones that touch the adapters run on both). No test is skipped: a flow is only registered where it runs. */
  signPdf: ['express', 'nest'],
  twoSigners: ['express'],
  hashMode: ['express'],
  wrongIcon: ['express', 'nest'],
  rejected: ['express'],
  expired: ['express'],
  cancelled: ['express', 'nest'],
  languages: ['express'],
  revoked: ['express'],
  batchDocuments: ['express', 'nest'],
  batchHash: ['express', 'nest'],
} satisfies Record<string, Backend[]>;

const BATCH = ['car-insurance', 'employment-contract', 'general-terms'];

/**
 * Every signature of a signed PDF checked by openssl over its byte ranges, against the sandbox's root: the
 * signature with `openssl cms -verify`, the document timestamp (B-LTA) with `openssl ts -verify`.
 */
function opensslVerifiesEvery(pdf: Uint8Array, base: string, rootFile: string): void {
  const signatures = extractSignatures(pdf, base);
  expect(signatures.length).toBeGreaterThan(0);
  for (const { sigFile, contentFile } of signatures) {
    // The content type of the SignedData itself (the first eContentType; a signature's own timestamp is deeper).
    if (
      /eContentType: id-smime-ct-TSTInfo/.test(/eContentType: .*/.exec(opensslCmsPrint(sigFile))?.[0] ?? '')
    ) {
      const ts = opensslTsVerify(sigFile, { data: contentFile }, rootFile);
      expect(ts.stdout + ts.stderr).toContain('Verification: OK');
    } else {
      expect(opensslCmsVerify(sigFile, contentFile, rootFile).stderr).toContain('Verification successful');
    }
  }
  // The signature and, at B-LTA, the document timestamp over the whole file.
  expect(signatures.length).toBe(2);
}

for (const backend of ['express', 'nest'] as const) {
  describe(`the demo on ${backend}`, () => {
    let demo: DemoHandle;
    let browser: Browser;
    let context: BrowserContext;
    const runs = (flow: keyof typeof flows) => (flows[flow] as readonly Backend[]).includes(backend);

    beforeAll(async () => {
      browser = await launchChromium();
      demo = await startDemo(backend);
    });
    afterAll(async () => {
      await browser?.close();
      await demo?.close();
    });
    beforeEach(async () => {
      context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 860 } });
    });
    afterEach(async () => {
      await context?.close();
    });

    if (runs('signPdf'))
      it('signs a PDF: identify, check the icons, confirm, download; pdfsig accepts it', async () => {
        const shot = screenshotter(`${backend}-sign-pdf`);
        const page = await context.newPage();
        await startSigning(page, demo, shot, { signerRole: 'Director', lang: 'EN' });
        const phone = await identify(page, context, demo, shot, nextPhoneNumber());

        const icon = await highlightedIcon(page);
        expect(await page.getByTestId('sign-role').textContent()).toBe('Director');
        await shot(page, 'itsme-sign-poka-yoke');
        await pickIcon(phone, shot, icon);

        await waitForPhase(page, demo, 'signed');
        expect(await statusTitle(page)).toBe('Your document is signed');
        expect(await page.locator('[aria-current="step"]').count()).toBe(0);
        expect(await page.locator('.step.is-done').count()).toBe(4);
        await shot(page, 'signed');

        // The evidence record the back end kept (onSigned), shown on the result page, of this very file.
        await page.getByTestId('evidence').waitFor();
        expect((await page.getByTestId('evidence-signer').textContent())?.trim()).not.toBe('—');
        await shot(page, 'evidence');

        const file = await download(page, `${backend}-signed.pdf`);
        expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
        const [record] = await Promise.all([
          page.waitForEvent('download'),
          page.getByTestId('evidence-download').click(),
        ]);
        const evidence = JSON.parse(readFileSync((await record.path()) as string, 'utf8')) as {
          type: string;
          documents: { signedFile: { sha256: string } }[];
        };
        expect(evidence.type).toBe('itsme-sign.signature');
        expect(evidence.documents[0]?.signedFile.sha256).toBe(
          createHash('sha256').update(readFileSync(file)).digest('base64'),
        );
        const report = await pdfsig(file);
        expect(report).toMatch(/Signature #1/);
        expect(report).toMatch(/Signature Validation: Signature is Valid\./);
      });

    if (runs('twoSigners'))
      it('a contract with two signature fields: client then bank sign in turn, both blocks visible and valid', async () => {
        const shot = screenshotter(`${backend}-two-signers`);
        const files: string[] = [];
        for (const party of ['client', 'bank']) {
          const page = await context.newPage();
          await startSigning(page, demo, shot, { documentName: 'loan-agreement', signerRole: 'Director' });
          const phone = await identify(page, context, demo, shot, nextPhoneNumber());
          await pickIcon(phone, shot, await highlightedIcon(page));
          await waitForPhase(page, demo, 'signed');
          await shot(page, `signed-by-${party}`);
          files.push(await download(page, `${backend}-loan-${party}.pdf`));
          await page.close();
        }
        expect((await pdfsig(files[0]!)).match(/Signature is Valid\./g)).toHaveLength(1);
        const report = await pdfsig(files[1]!);
        expect(report).toMatch(/Signature Field Name: Client/);
        expect(report).toMatch(/Signature Field Name: Bank/);
        expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
        expect(report).not.toMatch(/not signed/);
        // The two signature blocks as a viewer draws them (kept next to the screenshots; the README shows one).
        const blocks = join(SCREENSHOTS, `${backend}-two-signers`, 'signature-blocks');
        const render = spawnSync('pdftoppm', [
          '-r',
          '110',
          '-png',
          '-singlefile',
          '-f',
          '1',
          '-l',
          '1',
          '-x',
          '46',
          '-y',
          '920',
          '-W',
          '817',
          '-H',
          '153',
          files[1]!,
          blocks,
        ]);
        expect(render.status, String(render.stderr)).toBe(0);
        expect(existsSync(`${blocks}.png`)).toBe(true);
      });

    if (runs('hashMode'))
      it('hash mode: the signature value verifies against the certificate', async () => {
        const shot = screenshotter(`${backend}-hash-mode`);
        const page = await context.newPage();
        const { documentId } = await startSigning(page, demo, shot, { hashMode: true });
        const phone = await identify(page, context, demo, shot, nextPhoneNumber());
        await pickIcon(phone, shot, await highlightedIcon(page));
        await waitForPhase(page, demo, 'signed');
        expect(await page.getByTestId('itsme-sign-download').textContent()).toContain('Download signature');
        await shot(page, 'signed');

        const result = JSON.parse(
          readFileSync(await download(page, `${backend}-signature.json`), 'utf8'),
        ) as {
          signatureValue: string;
          digest: string;
          certificate: string;
        };
        const document = Buffer.from(
          await (
            await fetch(`${demo.url}/api/demo/documents/${encodeURIComponent(documentId)}`)
          ).arrayBuffer(),
        );
        const digest = createHash('sha256').update(document).digest();
        expect(Buffer.from(result.digest, /^[0-9a-f]{64}$/i.test(result.digest) ? 'hex' : 'base64')).toEqual(
          digest,
        );
        const key = certificateOf(result.certificate).publicKey;
        const signature = Buffer.from(result.signatureValue, 'base64');
        const dsaEncoding = key.asymmetricKeyType === 'ec' && signature.length === 64 ? 'ieee-p1363' : 'der';
        expect(verify('sha256', document, { key, dsaEncoding }, signature)).toBe(true);
        // And not for other data.
        expect(verify('sha256', Buffer.from('other'), { key, dsaEncoding }, signature)).toBe(false);
      });

    if (runs('batchDocuments'))
      it('three PDFs, one identification, one confirmation: three signed PDFs (pdfsig, openssl cms) and the zip', async () => {
        const shot = screenshotter(`${backend}-batch`);
        const page = await context.newPage();
        await startSigning(page, demo, shot, { documentNames: BATCH });
        const phone = await identify(page, context, demo, shot, nextPhoneNumber());
        const icon = await highlightedIcon(page);
        expect(await page.getByTestId('document-count').getAttribute('data-count')).toBe('3');
        await shot(page, 'itsme-sign-poka-yoke');
        await pickIcon(phone, shot, icon);
        await waitForPhase(page, demo, 'signed');
        expect(await statusTitle(page)).toBe('Your documents are signed');
        await shot(page, 'signed');

        const links = page.getByTestId('itsme-sign-download-one');
        expect(await links.count()).toBe(3);
        const files: Buffer[] = [];
        for (let i = 0; i < 3; i++) {
          const [file] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
          const path = join(DOWNLOADS, `${backend}-batch-${i + 1}.pdf`);
          await file.saveAs(path);
          expect(file.suggestedFilename()).toContain(BATCH[i]);
          const report = await pdfsig(path);
          expect(report).toMatch(/Signature Validation: Signature is Valid\./);
          expect(report).not.toMatch(/Signature is Invalid|not signed/i);
          files.push(readFileSync(path));
          opensslVerifiesEvery(files[i]!, path.replace(/\.pdf$/, ''), demo.rootCaFile);
        }
        // One approval: the three signatures share the signer and the same itsme® signing session.
        const zipPath = await download(page, `${backend}-batch.zip`);
        const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
        expect(Object.keys(entries)).toHaveLength(3);
        for (const [i, bytes] of Object.values(entries).entries()) {
          expect(Buffer.from(bytes).equals(files[i]!)).toBe(true);
        }
      });

    if (runs('batchHash'))
      it('hash mode with three digests: each signature value verifies against its own document', async () => {
        const shot = screenshotter(`${backend}-batch-hash`);
        const page = await context.newPage();
        await startSigning(page, demo, shot, { documentNames: BATCH, hashMode: true });
        const phone = await identify(page, context, demo, shot, nextPhoneNumber());
        await pickIcon(phone, shot, await highlightedIcon(page));
        await waitForPhase(page, demo, 'signed');
        await shot(page, 'signed');
        const result = JSON.parse(
          readFileSync(await download(page, `${backend}-batch-hash.json`), 'utf8'),
        ) as {
          signatures: { name: string; signatureValue: string }[];
          certificate: string;
        };
        expect(result.signatures).toHaveLength(3);
        const key = certificateOf(result.certificate).publicKey;
        const documents = (await (await fetch(`${demo.url}/api/demo/documents`)).json()) as {
          id: string;
          name: string;
        }[];
        for (const s of result.signatures) {
          const doc = documents.find((d) => d.name === s.name);
          expect(doc, s.name).toBeDefined();
          const bytes = Buffer.from(
            await (
              await fetch(`${demo.url}/api/demo/documents/${encodeURIComponent(doc!.id)}`)
            ).arrayBuffer(),
          );
          const signature = Buffer.from(s.signatureValue, 'base64');
          const dsaEncoding =
            key.asymmetricKeyType === 'ec' && signature.length === 64 ? 'ieee-p1363' : 'der';
          expect(verify('sha256', bytes, { key, dsaEncoding }, signature)).toBe(true);
        }
      });

    if (runs('revoked'))
      it('a signer whose certificate was revoked is told so in French, and nothing is sent to sign', async () => {
        const shot = screenshotter(`${backend}-revoked`);
        const phone = nextPhoneNumber();
        // The user exists (a first identification gave them their certificate), then the certificate is revoked.
        const client = createB2BClient(demo.sandbox.clientOptions());
        const first = await client.startIdentification({
          lang: 'FR',
          redirectUrl: `${demo.url}/api/itsme/callback`,
        });
        await demo.sandbox.control.identify({ url: first.identificationUrl, phone });
        await client.close();
        await demo.sandbox.control.revoke({ phone, reason: 'keyCompromise' });
        const signCalls = () => demo.sandbox.stats().calls.sign ?? 0;
        const before = signCalls();

        const page = await context.newPage();
        await startSigning(page, demo, shot, { lang: 'FR' });
        await identify(page, context, demo, shot, phone);
        await waitForPhase(page, demo, 'failed');
        expect(await page.getByTestId('itsme-sign-detail').textContent()).toContain(
          'Votre certificat de signature itsme® a été révoqué',
        );
        expect(await page.getByTestId('itsme-sign-detail').textContent()).toContain('CERTIFICATE_REVOKED');
        expect(signCalls()).toBe(before);
        await shot(page, 'revoked');
      });

    if (runs('wrongIcon'))
      it('the wrong poka-yoke icon ends without a signature (in French)', async () => {
        const shot = screenshotter(`${backend}-wrong-icon`);
        const page = await context.newPage();
        await startSigning(page, demo, shot, { lang: 'FR' });
        const phone = await identify(page, context, demo, shot, nextPhoneNumber());
        const icon = await highlightedIcon(page);
        await shot(page, 'itsme-sign-poka-yoke');
        const wrong = (await phoneIcons(phone)).find((i) => i !== icon);
        expect(wrong).toBeDefined();
        await pickIcon(phone, shot, wrong!);

        await waitForPhase(page, demo, 'rejected');
        expect(await statusTitle(page)).toBe('Signature refusée');
        expect(await page.getByTestId('itsme-sign-text').textContent()).toContain('Rien n’a été signé');
        expect(await page.getByTestId('itsme-sign-download').count()).toBe(0);
        await shot(page, 'rejected');
        await page.getByTestId('itsme-sign-restart').click();
        await page.getByTestId('sign-button').waitFor();
      });

    if (runs('rejected'))
      it('rejecting in the app ends in "Signature declined"', async () => {
        const shot = screenshotter(`${backend}-rejected`);
        const page = await context.newPage();
        await startSigning(page, demo, shot);
        const phone = await identify(page, context, demo, shot, nextPhoneNumber());
        await highlightedIcon(page);
        await phone
          .locator('[data-testid="phone-action"][data-kind="SIGN"] [data-testid="action-reject"]')
          .click();

        await waitForPhase(page, demo, 'rejected');
        expect(await statusTitle(page)).toBe('Signature declined');
        expect(await page.getByTestId('itsme-sign-detail').textContent()).toMatch(/Error code: \w+/);
        await shot(page, 'rejected');
      });

    if (runs('expired'))
      it('a session that expires at itsme® ends in "Session expired"', async () => {
        const shot = screenshotter(`${backend}-expired`);
        const page = await context.newPage();
        await startSigning(page, demo, shot);
        await identify(page, context, demo, shot, nextPhoneNumber());
        await highlightedIcon(page);
        await shot(page, 'itsme-sign-poka-yoke');
        // Nobody confirms in time.
        await demo.sandbox.control.sign({ url: page.url(), action: 'expire' });

        await waitForPhase(page, demo, 'expired');
        expect(await statusTitle(page)).toBe('Session expired');
        await shot(page, 'expired');
      });

    if (runs('cancelled'))
      it('Back from itsme® does not bounce, and "Cancel signing" cancels', async () => {
        const shot = screenshotter(`${backend}-cancelled`);
        const page = await context.newPage();
        await startSigning(page, demo, shot, { lang: 'NL' });
        await page.goBack();

        await waitForPhase(page, demo, 'redirect-identification');
        await page.getByTestId('itsme-sign-continue').waitFor();
        expect(await statusTitle(page)).toBe('Bevestig wie u bent');
        // The demo's own text follows the language picked on the start page, there and back from itsme®.
        expect(await page.getByTestId('back-link').textContent()).toBe('← Een ander document ondertekenen');
        expect(await page.getAttribute('html', 'lang')).toBe('nl');
        await shot(page, 'back-at-status');
        await page.getByTestId('itsme-sign-cancel').click();

        await waitForPhase(page, demo, 'cancelled');
        expect(await statusTitle(page)).toBe('Ondertekening geannuleerd');
        expect(await page.getByTestId('itsme-sign-continue').count()).toBe(0);
        await shot(page, 'cancelled');
      });

    if (runs('languages'))
      it("the demo's own text follows the language picked: EN, FR, NL, DE", async () => {
        const shot = screenshotter(`${backend}-languages`);
        const page = await context.newPage();
        await page.goto(demo.url);
        await page.locator('[data-testid^="doc-option-"]').first().waitFor();
        const expected = {
          EN: ['Sign a PDF with itsme®', 'Sign with itsme®', 'en'],
          FR: ['Signer un PDF avec itsme®', 'Signer avec itsme®', 'fr'],
          NL: ['Een pdf ondertekenen met itsme®', 'Ondertekenen met itsme®', 'nl'],
          DE: ['Ein PDF mit itsme® signieren', 'Mit itsme® signieren', 'de'],
        } as const;
        for (const [lang, [heading, button, htmlLang]] of Object.entries(expected)) {
          await page.getByTestId('lang-select').selectOption(lang);
          expect(await page.getByTestId('start-heading').textContent()).toBe(heading);
          expect((await page.getByTestId('sign-button').textContent())?.trim()).toBe(button);
          expect(await page.getAttribute('html', 'lang')).toBe(htmlLang);
          expect(await page.title()).toContain(heading);
          await shot(page, `start-${lang}`);
        }
        // Kept on reload (and on the way back from itsme®).
        await page.reload();
        expect(await page.getByTestId('start-heading').textContent()).toBe(expected.DE[0]);
      });
  });
}
