/**
 * Drives one signing flow like a browser and a person with a phone would: start, identify at the sandbox,
 * come back through the callback, confirm the signature, come back again, follow the session until it ends.
 */
import type { SessionView } from '@itsme-sign/core';
import type { Sandbox } from '@itsme-sign/sandbox';
import type { TestBrowser } from '@itsme-sign/test-support/http-browser';

export const BASE = '/api/itsme';
export const FINAL = new Set(['signed', 'rejected', 'expired', 'failed', 'cancelled']);

export type FlowStep = 'started' | 'identified' | 'returned-identification' | 'approved' | 'returned-signing';

export interface FlowOutcome {
  /** The session's final status, `start-refused` (POST /sessions answered an error), `stuck` (deadline) or `error`. */
  status: string;
  /** The error code of a refused start or a session that ended without a signature. */
  code?: string;
  httpStatus?: number;
  view?: SessionView;
  /** Requests the browser made that answered something else than 2xx/3xx. */
  errors: string[];
}

export interface FlowOptions {
  body: Record<string, unknown>;
  /** The flow is declared stuck when it has not ended by then (ms since the epoch). */
  deadline: number;
  /** Called after each step (the crash test kills and restarts the back end here). */
  after?: (step: FlowStep) => Promise<void>;
  /** Long-poll window of each GET /session (s). Default 1. */
  waitSeconds?: number;
}

export async function driveFlow(
  browser: TestBrowser,
  sandbox: Pick<Sandbox, 'control'>,
  options: FlowOptions,
): Promise<FlowOutcome> {
  const errors: string[] = [];
  const after = options.after ?? (async () => undefined);
  const started = await browser.post(`${BASE}/sessions`, options.body);
  if (started.status !== 201) {
    const code = (started.body as { error?: { code?: string } } | undefined)?.error?.code;
    return { status: 'start-refused', httpStatus: started.status, ...(code ? { code } : {}), errors };
  }
  let view = started.body as SessionView;
  await after('started');
  let identified = false;
  let approved = false;
  for (;;) {
    if (FINAL.has(view.status)) {
      return { status: view.status, ...(view.error ? { code: view.error.code } : {}), view, errors };
    }
    if (Date.now() > options.deadline) return { status: 'stuck', view, errors };
    const next = view.next;
    if (next.action === 'redirect' && next.target === 'identification' && !identified) {
      const done = await sandbox.control.identify({ url: next.url });
      identified = true;
      await after('identified');
      await callback(browser, done.redirectUrl, errors);
      await after('returned-identification');
    } else if (next.action === 'redirect' && next.target === 'signing' && !approved) {
      const done = await sandbox.control.sign({ url: next.url });
      approved = true;
      await after('approved');
      await callback(browser, done.redirectUrl, errors);
      await after('returned-signing');
    }
    const res = await browser.json<SessionView>(
      `${BASE}/session?wait=${options.waitSeconds ?? 1}&version=${view.version}`,
    );
    if (res.status !== 200) {
      errors.push(`GET /session → ${res.status}`);
      const code = (res.body as unknown as { error?: { code?: string } } | undefined)?.error?.code;
      return { status: 'error', httpStatus: res.status, ...(code ? { code } : {}), view, errors };
    }
    view = res.body;
  }
}

async function callback(browser: TestBrowser, url: string, errors: string[]): Promise<void> {
  const res = await browser.fetch(url);
  await res.arrayBuffer();
  if (res.status !== 303) errors.push(`callback → ${res.status}`);
}
