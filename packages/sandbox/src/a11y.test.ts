/**
 * axe-core in Debian's Chromium with a phone-sized viewport, on every page a user meets in the sandbox: the
 * identification pages, the signing page, the simulated app (with an identification, a sign action and nothing
 * pending) and the message page. Zero violations of any impact.
 */
import { signResponseSchema } from '@itsme-sign/core';
import { axeViolations, MOBILE } from '@itsme-sign/test-support/axe';
import { launchChromium } from '@itsme-sign/test-support/browser';
import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';
import {
  batchStartBody,
  digestOf,
  identificationBody,
  REDIRECT_URL,
  signStartBody,
  testDocuments,
} from './test-support/requests.js';

const PHONE = '+32470000611';

let sb: Sandbox;
let browser: Browser;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: inject('sandboxDataDir') });
  sb.addRedirectUrl(REDIRECT_URL);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sb?.close();
});

/** Opens `url` in a fresh phone-sized context and returns axe-core's violations there, one line each. */
async function violations(url: string, prepare?: (page: Page) => Promise<void>): Promise<string[]> {
  const context = await browser.newContext(MOBILE);
  try {
    const page = await context.newPage();
    await page.goto(url);
    await prepare?.(page);
    return await axeViolations(page);
  } finally {
    await context.close();
  }
}

const phoneUrl = () => `${sb.frontUrl}/phone?number=${encodeURIComponent(PHONE)}&language=EN`;

describe('axe-core on the sandbox pages (Chromium, 390×844)', () => {
  it('finds no violation on any page of an identification and a signing flow (one document, then three)', async () => {
    const started = (await b2bRaw(sb, '/user_identification', identificationBody({ lang: 'EN' }))).json as {
      identificationUrl: string;
    };
    const pages: [string, string[]][] = [];
    pages.push(['index', await violations(`${sb.frontUrl}/`)]);
    pages.push(['phone, nothing pending', await violations(phoneUrl())]);
    pages.push(['identification: phone form', await violations(started.identificationUrl)]);
    pages.push([
      'identification: invalid number',
      await violations(started.identificationUrl, async (page) => {
        await page.getByTestId('phone-input').fill('12');
        await page.getByTestId('phone-submit').click();
        await page.getByTestId('phone-error').waitFor();
      }),
    ]);
    const submitted = await violations(started.identificationUrl, async (page) => {
      await page.getByTestId('phone-input').fill(PHONE);
      await page.getByTestId('phone-submit').click();
      await page.getByTestId('identify-waiting').waitFor();
    });
    pages.push(['identification: confirm in the app', submitted]);
    pages.push(['phone: identification pending', await violations(phoneUrl())]);
    const { userCode } = await sb.control.identify({ url: started.identificationUrl, phone: PHONE });

    const sign = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStartBody(userCode as string, digestOf('a11y')))).json,
    );
    pages.push(['signing page', await violations(sign.signingUrl as string)]);
    pages.push(['phone: sign pending', await violations(phoneUrl())]);
    pages.push(['message: unknown link', await violations(`${sb.frontUrl}/qes/prove_its_you_poka?q=nope`)]);
    await sb.control.sign({ url: sign.signingUrl as string });

    sb.control.setMaxHashes(3);
    const batch = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', batchStartBody(userCode as string, testDocuments(3, 'a11y').docs)))
        .json,
    );
    pages.push(['signing page, 3 documents', await violations(batch.signingUrl as string)]);
    pages.push(['phone: batch pending', await violations(phoneUrl())]);
    await sb.control.sign({ url: batch.signingUrl as string });

    const report = pages.filter(([, v]) => v.length > 0).map(([name, v]) => `${name}:\n  ${v.join('\n  ')}`);
    expect(report).toEqual([]);
  }, 60_000);
});
