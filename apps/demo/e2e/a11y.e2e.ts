/**
 * Accessibility of every page a user meets in the flow, audited with axe-core in Debian's Chromium on a phone
 * (390×844): the demo's start page (in two languages) and status page (signed, waiting for the user, cancelled,
 * declined), the sandbox's identification pages, its signing page and its simulated phone. Zero violations.
 * Screenshots of each audited page land in apps/demo/test-output/screenshots/a11y/.
 */

import { axeViolations, MOBILE } from '@itsme-sign/test-support/axe';
import { launchChromium } from '@itsme-sign/test-support/browser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotter } from './support/browser.js';
import { type DemoHandle, startDemo } from './support/demo.js';
import {
  highlightedIcon,
  identify,
  nextPhoneNumber,
  pickIcon,
  startSigning,
  waitForAction,
  waitForPhase,
} from './support/flow.js';

let demo: DemoHandle;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  demo = await startDemo('express');
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('axe-core on every page of the flow (Chromium, 390×844)', () => {
  it('finds no violation on the demo pages, the sandbox identification and signing pages and the phone', async () => {
    const shot = screenshotter('a11y');
    const noShot = async () => {};
    const report: string[] = [];
    const audit = async (page: Page, name: string) => {
      await shot(page, name.replace(/\W+/g, '-'));
      const found = await axeViolations(page);
      if (found.length > 0) report.push(`${name} (${page.url()}):\n  ${found.join('\n  ')}`);
    };
    const context: BrowserContext = await browser.newContext(MOBILE);
    try {
      const page = await context.newPage();
      await page.goto(demo.url);
      await page.locator('[data-testid^="doc-option-"]').first().waitFor();
      await page.getByTestId('lang-select').selectOption('FR');
      await audit(page, 'demo start page (FR)');
      await page.getByTestId('lang-select').selectOption('EN');
      await audit(page, 'demo start page (EN)');

      await page.getByTestId('sign-button').click();
      await page.waitForURL((url) => url.href.startsWith(demo.sandbox.frontUrl));
      await page.getByTestId('phone-input').waitFor();
      await audit(page, 'itsme identification: phone form');
      const number = nextPhoneNumber();
      await page.getByTestId('phone-input').fill(number);
      await page.getByTestId('phone-submit').click();
      await page.getByTestId('identify-waiting').waitFor();
      await audit(page, 'itsme identification: confirm in the app');

      const phone = await context.newPage();
      await phone.goto(`${demo.sandbox.frontUrl}/phone?number=${encodeURIComponent(number)}`);
      await waitForAction(phone);
      await audit(phone, 'phone: identification');
      await phone.getByTestId('action-approve').first().click();

      await highlightedIcon(page);
      await audit(page, 'itsme signing page');
      await waitForAction(phone, 'SIGN');
      await audit(phone, 'phone: sign');
      await pickIcon(phone, noShot, (await highlightedIcon(page)) as string);
      await waitForPhase(page, demo, 'signed');
      await audit(page, 'demo status page: signed');

      // A second session: back from itsme® without identifying, then cancelled.
      const second = await context.newPage();
      await second.goto(demo.url);
      await second.locator('[data-testid^="doc-option-"]').first().waitFor();
      await second.getByTestId('sign-button').click();
      await second.waitForURL((url) => url.href.startsWith(demo.sandbox.frontUrl));
      await second.goBack();
      await waitForPhase(second, demo, 'redirect-identification');
      await second.getByTestId('itsme-sign-continue').waitFor();
      await audit(second, 'demo status page: waiting for the user');
      await second.getByTestId('itsme-sign-cancel').click();
      await waitForPhase(second, demo, 'cancelled');
      await audit(second, 'demo status page: cancelled');

      // A third one declined on the phone: the status page with an error and its code.
      const third = await context.newPage();
      await startSigning(third, demo, noShot);
      const thirdPhone = await identify(third, context, demo, noShot, nextPhoneNumber());
      await highlightedIcon(third);
      await waitForAction(thirdPhone, 'SIGN');
      await thirdPhone
        .locator('[data-testid="phone-action"][data-kind="SIGN"] [data-testid="action-reject"]')
        .click();
      await waitForPhase(third, demo, 'rejected');
      await audit(third, 'demo status page: declined');
    } finally {
      await context.close();
    }
    expect(report).toEqual([]);
  }, 120_000);
});
