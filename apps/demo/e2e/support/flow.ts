/** The steps a person takes through the demo and the sandbox's pages, shared by the e2e tests. */
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoHandle } from './demo.js';

export type Shot = (page: Page, step: string) => Promise<void>;

let phoneCounter = 0;
/** A fresh phone number per flow: a new test identity, and no pending action from another test on the phone. */
export function nextPhoneNumber(): string {
  phoneCounter += 1;
  return `+3247${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export interface StartOptions {
  /** The one document to sign (by a part of its name); default: the first offered. */
  documentName?: string;
  /** Several documents to sign with one approval (by parts of their names). */
  documentNames?: string[];
  signerRole?: string;
  lang?: 'EN' | 'FR' | 'NL' | 'DE';
  hashMode?: boolean;
}

/**
 * On the demo's start page: picks the document, fills the form, clicks "Sign with itsme®"; ends at itsme®.
 * Returns the id of the document that was signed.
 */
export async function startSigning(
  page: Page,
  demo: DemoHandle,
  shot: Shot,
  options: StartOptions = {},
): Promise<{ documentId: string }> {
  await page.goto(demo.url);
  await page.locator('[data-testid^="doc-option-"]').first().waitFor();
  const wanted = options.documentNames ?? (options.documentName ? [options.documentName] : undefined);
  if (wanted) await selectDocuments(page, wanted);
  if (options.signerRole) await page.getByTestId('signer-role').fill(options.signerRole);
  if (options.lang) await page.getByTestId('lang-select').selectOption(options.lang);
  if (options.hashMode) await page.getByTestId('hash-mode').check();
  const documentId = await page.locator('input[name="document"]:checked').first().inputValue();
  await shot(page, 'start-form');
  await page.getByTestId('sign-button').click();
  await page.waitForURL((url) => url.href.startsWith(demo.sandbox.frontUrl));
  await page.getByTestId('phone-input').waitFor();
  await shot(page, 'itsme-identify');
  return { documentId };
}

/** Ticks exactly the documents whose names contain one of `names` (and unticks the others). */
export async function selectDocuments(page: Page, names: string[]): Promise<void> {
  const options = page.locator('[data-testid^="doc-option-"]');
  for (let i = 0; i < (await options.count()); i++) {
    const option = options.nth(i);
    const text = (await option.textContent()) ?? '';
    await option.locator('input[name="document"]').setChecked(names.some((n) => text.includes(n)));
  }
}

/** Opens the simulated phone of `number` in a second tab. */
export async function openPhone(context: BrowserContext, demo: DemoHandle, number: string): Promise<Page> {
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 420, height: 860 });
  await phone.goto(`${demo.sandbox.frontUrl}/phone?number=${encodeURIComponent(number)}`);
  return phone;
}

/** The phone page reloads itself when actions change; wait for one of `kind` (SIGN, CREATE_CERT, …). */
export async function waitForAction(phone: Page, kind?: string): Promise<void> {
  const selector = kind
    ? `[data-testid="phone-action"][data-kind="${kind}"]`
    : '[data-testid="phone-action"]';
  await phone.locator(selector).first().waitFor({ timeout: 30_000 });
}

/** Types the phone number at itsme® and approves (or rejects) in the app; ends back at the demo or at itsme®'s signing page. */
export async function identify(
  page: Page,
  context: BrowserContext,
  demo: DemoHandle,
  shot: Shot,
  number: string,
  action: 'approve' | 'reject' = 'approve',
): Promise<Page> {
  await page.getByTestId('phone-input').fill(number);
  await page.getByTestId('phone-submit').click();
  await page.getByTestId('identify-waiting').waitFor();
  await shot(page, 'itsme-identify-waiting');
  const phone = await openPhone(context, demo, number);
  await waitForAction(phone);
  await shot(phone, 'phone-identify');
  await phone
    .getByTestId(action === 'approve' ? 'action-approve' : 'action-reject')
    .first()
    .click();
  return phone;
}

/** At itsme®'s signing page: the icon to pick on the phone. */
export async function highlightedIcon(page: Page): Promise<string> {
  await page.getByTestId('sign-page').waitFor({ timeout: 30_000 });
  const icon = await page.getByTestId('poka-highlighted').getAttribute('data-icon');
  if (!icon) throw new Error('no highlighted poka-yoke icon on the signing page');
  return icon;
}

/** Taps an icon on the phone's signing action. */
export async function pickIcon(phone: Page, shot: Shot, icon: string): Promise<void> {
  await waitForAction(phone, 'SIGN');
  await shot(phone, 'phone-sign');
  await phone.locator(`[data-testid="phone-action"][data-kind="SIGN"] button[data-icon="${icon}"]`).click();
}

/** The icons the phone offers for the signing action. */
export async function phoneIcons(phone: Page): Promise<string[]> {
  await waitForAction(phone, 'SIGN');
  const icons = await phone
    .locator('[data-testid="phone-action"][data-kind="SIGN"] button[data-icon]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-icon') ?? ''));
  return icons.filter(Boolean);
}

/** Back at the demo's status page: waits until the component shows `phase`. */
export async function waitForPhase(page: Page, demo: DemoHandle, phase: string): Promise<void> {
  try {
    await page.waitForURL((url) => url.href.startsWith(`${demo.url}/sign/status`), { timeout: 30_000 });
    await page.locator(`itsme-sign-status[data-phase="${phase}"]`).waitFor({ timeout: 30_000 });
  } catch (error) {
    const seen = await page
      .locator('itsme-sign-status')
      .evaluate((el) => `${el.getAttribute('data-phase')}: ${el.textContent?.replace(/\s+/g, ' ').trim()}`)
      .catch(() => 'no <itsme-sign-status> on the page');
    throw new Error(`expected phase "${phase}" at ${page.url()}, saw ${seen}`, { cause: error });
  }
}

export async function statusTitle(page: Page): Promise<string> {
  return ((await page.getByTestId('itsme-sign-title').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
