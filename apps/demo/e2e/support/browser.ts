import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const TEST_OUTPUT = join(here, '..', '..', 'test-output');
export const SCREENSHOTS = join(TEST_OUTPUT, 'screenshots');
export const DOWNLOADS = join(TEST_OUTPUT, 'downloads');

/** Numbered screenshots of one flow: `screenshots/<flow>/<nn>-<step>.png`. */
export function screenshotter(flow: string): (page: Page, step: string) => Promise<void> {
  const dir = join(SCREENSHOTS, flow);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, step) => {
    n += 1;
    await page.screenshot({ path: join(dir, `${String(n).padStart(2, '0')}-${step}.png`), fullPage: true });
  };
}
