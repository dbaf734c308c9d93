/**
 * The real sandbox (mutual TLS B2B API, the user's pages and a phone), for core's orchestrator and handler
 * tests. `@itsme-sign/sandbox` is a devDependency of core read through the source aliases of
 * `vitest.shared.ts`; core's `build` does not wait for it (packages/core/turbo.json), so the graph has no loop.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { createItsmeSign, type ItsmeSign, type ItsmeSignConfig } from '../itsme-sign.js';

export const REDIRECT_URL = 'https://app.example/api/itsme/callback';
export const COOKIE_SECRET = 'core-test-secret-0123456789-abcdefghij';

/** A sandbox on its own data folder, with the test app's callback registered. */
export async function startTestSandbox(): Promise<Sandbox> {
  const sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-core-')) });
  sandbox.addRedirectUrl(REDIRECT_URL);
  return sandbox;
}

/** The `url` of a view's or session's redirect. */
export const urlOf = (next: unknown): string => (next as { url: string }).url;

/** Core's composition root on the sandbox with the tests' settings; `extra` adds or overrides. */
export function sandboxItsme(sandbox: Sandbox, extra: Partial<ItsmeSignConfig> = {}): ItsmeSign {
  return createItsmeSign({
    client: sandbox.clientOptions(),
    redirectUrl: REDIRECT_URL,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    pollIntervalMs: 20,
    ...extra,
  } as ItsmeSignConfig);
}
