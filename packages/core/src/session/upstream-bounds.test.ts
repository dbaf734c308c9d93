/**
 * What the SDK asks of itsme® when itsme® or a client push back, against the sandbox over mutual TLS: a sign
 * start refused before processing (429) is sent again once after its Retry-After, anything else never; and
 * one instance's status calls stay within its budget whatever the number of sessions held.
 */
import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config.js';
import type { ItsmeSign } from '../itsme-sign.js';
import { sandboxItsme, startTestSandbox } from '../test-support/sandbox.js';
import type { SigningSession } from './state.js';

let sandbox: Sandbox;
let itsme: ItsmeSign;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  itsme = sandboxItsme(sandbox, { pollIntervalMs: 10, completeInBackground: false, now: () => clock });
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

describe('the status-call budget of an instance', () => {
  it('sessions held by one client cannot make it call itsme® more than maxStatusCallsPerSecond', async () => {
    const limited = sandboxItsme(sandbox, {
      pollIntervalMs: 10,
      completeInBackground: false,
      maxStatusCallsPerSecond: 3,
      now: () => clock,
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const s = await limited.orchestrator.start({
          subject: { mode: 'hash', digest: createHash('sha256').update(`budget ${i}`).digest('base64') },
        });
        ids.push(s.id);
      }
      const calls = () => sandbox.stats().calls.identificationStatus ?? 0;
      const before = calls();
      for (const id of ids) await limited.orchestrator.advance(id);
      expect(calls() - before).toBe(3);
      // A second later the budget is back: three more.
      clock += 1_000;
      for (const id of ids) await limited.orchestrator.advance(id);
      expect(calls() - before).toBe(6);
    } finally {
      await limited.close();
    }
  });
});
