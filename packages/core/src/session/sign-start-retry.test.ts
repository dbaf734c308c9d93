/**
 * A sign start is sent at most once — except when itsme® refused it before processing it (429), against the
 * sandbox over mutual TLS: the session stays identified until the retry time, then starts exactly once more.
 */
import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config.js';
import { createItsmeSign, type ItsmeSign } from '../itsme-sign.js';
import { COOKIE_SECRET, REDIRECT_URL, startTestSandbox } from '../test-support/sandbox.js';
import type { SigningSession } from './state.js';

let sandbox: Sandbox;
let itsme: ItsmeSign;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  itsme = createItsmeSign({
    client: sandbox.clientOptions(),
    redirectUrl: REDIRECT_URL,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    pollIntervalMs: 10,
    completeInBackground: false,
    now: () => clock,
  });
});
afterAll(async () => {
  await itsme?.close();
  await sandbox?.close();
});

const signCalls = () => sandbox.stats().calls.sign ?? 0;

async function identified(): Promise<SigningSession> {
  const started = await itsme.orchestrator.start({
    subject: { mode: 'hash', digest: createHash('sha256').update(String(clock)).digest('base64') },
  });
  if (started.status !== 'identifying') throw new Error(started.status);
  await sandbox.control.identify({ url: started.identification.identificationUrl });
  return started;
}

describe('sign start refused by itsme®', () => {
  it('429: the session stays identified until the retry time, then the start is sent once more', async () => {
    const session = await identified();
    sandbox.control.setFault('sign', { kind: 'status', status: 429, times: 1 });
    const before = signCalls();
    const deferred = await itsme.orchestrator.userReturned(session.id);
    expect(deferred).toMatchObject({
      status: 'identified',
      signStart: { retryAt: clock + DEFAULTS.signStartRetryMs, attempts: 1 },
    });
    expect(signCalls() - before).toBe(1);
    // Not yet: nothing is sent.
    clock += DEFAULTS.signStartRetryMs - 1;
    expect((await itsme.orchestrator.advance(session.id))?.status).toBe('identified');
    expect(signCalls() - before).toBe(1);
    clock += 1;
    const signing = await itsme.orchestrator.advance(session.id);
    expect(signing?.status).toBe('signing');
    expect(signCalls() - before).toBe(2);
    expect(signing && 'signStart' in signing).toBe(false);
  });

  it('a 500 may have reached itsme®: the session ends failed, the start is never repeated', async () => {
    const session = await identified();
    sandbox.control.setFault('sign', { kind: 'status', status: 500, times: 1 });
    const before = signCalls();
    const failed = await itsme.orchestrator.userReturned(session.id);
    expect(failed?.status).toBe('failed');
    clock += 60_000;
    await itsme.orchestrator.advance(session.id);
    expect(signCalls() - before).toBe(1);
  });
});
