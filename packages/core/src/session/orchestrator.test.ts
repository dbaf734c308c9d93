import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type B2BClient, createB2BClient } from '../client/b2b-client.js';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';
import {
  createItsmeSign,
  createItsmeSignHandler,
  createSigningOrchestrator,
  type ItsmeSign,
} from '../itsme-sign.js';
import { verifySignatureValue } from '../signature.js';
import { COOKIE_SECRET, REDIRECT_URL, startTestSandbox } from '../test-support/sandbox.js';
import { type OrchestratorEvent, SigningOrchestrator } from './orchestrator.js';
import { MemorySessionStore } from './store.js';

let sandbox: Sandbox;
let itsme: ItsmeSign;
const events: OrchestratorEvent[] = [];
const digest = createHash('sha256').update('orchestrator test').digest('base64');

beforeAll(async () => {
  sandbox = await startTestSandbox();
  itsme = createItsmeSign({
    client: sandbox.clientOptions(),
    redirectUrl: REDIRECT_URL,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    pollIntervalMs: 50,
    onEvent: (e) => events.push(e),
  });
});
afterAll(async () => {
  await itsme?.close();
  await sandbox?.close();
});

describe('SigningOrchestrator against the sandbox (mutual TLS)', () => {
  it('walks a hash-mode session: start → identify → return → sign → return → signed, verified', async () => {
    const o = itsme.orchestrator;
    const started = await o.start({
      subject: { mode: 'hash', digest },
      lang: 'NL',
      signerRole: 'Zaakvoerder',
    });
    expect(started).toMatchObject({ status: 'identifying', version: 2, options: { lang: 'NL' } });
    if (started.status !== 'identifying') throw new Error('not identifying');

    await sandbox.control.identify({ url: started.identification.identificationUrl });
    const signing = await o.userReturned(started.id); // the first return asks itsme® at once
    expect(signing?.status).toBe('signing');
    if (signing?.status !== 'signing') throw new Error('not signing');
    expect(signing.signing).toMatchObject({ documents: [{ digest, id: 'document' }], returned: false });

    // The browser goes to itsme® through the handler's `go` route: from then on a callback is its return.
    expect((await o.userSent(started.id)).signingUrl).toBe(signing.signing.signingUrl);
    await sandbox.control.sign({ url: signing.signing.signingUrl });
    const signed = await o.userReturned(started.id);
    if (signed?.status !== 'signed') throw new Error(`not signed: ${signed?.status}`);
    expect(() =>
      verifySignatureValue(
        { digest: Buffer.from(digest, 'base64') },
        signed.signed.documents[0]?.signatureValue as string,
        signed.signer.certificate,
      ),
    ).not.toThrow();

    const mine = events.filter((e) => e.sessionId === started.id);
    const transitions = mine.flatMap((e) => (e.type === 'session.transition' ? [e.to] : []));
    expect(transitions).toEqual([
      'identifying',
      'identifying', // USER_RETURNED
      'identified',
      'signing',
      'signing', // USER_SENT
      'signing', // USER_RETURNED
      'signed',
    ]);
    // The first return asks at once: identification status, sign start, and the sign status right after it.
    const steps = mine.flatMap((e) => (e.type === 'step.finished' ? [`${e.step}:${e.outcome}`] : []));
    expect(steps).toEqual([
      'identification.start:ok',
      'identification.status:identified',
      'sign.start:ok',
      'sign.status:pending',
      'sign.status:signed',
    ]);
    // A finished session is kept for finishedTtlMs.
    expect(o.retentionMs(signed)).toBe(DEFAULTS.finishedTtlMs);
  });

  it('the long poll wakes up when the user acts, and a rejection ends the session', async () => {
    const o = itsme.orchestrator;
    const started = await o.start({ subject: { mode: 'hash', digest } });
    if (started.status !== 'identifying') throw new Error('not identifying');
    const waiting = o.waitForChange(started.id, started.version, 10_000);
    await sandbox.control.identify({ url: started.identification.identificationUrl, action: 'reject' });
    const t0 = Date.now();
    const ended = await waiting;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(ended).toMatchObject({
      status: 'rejected',
      failure: { code: 'USER_REJECTED', step: 'identification' },
    });
    // Nothing is due for an ended session: advance and cancel give it back as it is.
    expect((await o.advance(started.id))?.version).toBe(ended?.version);
    expect((await o.cancel(started.id))?.status).toBe('rejected');
  });

  it('ends a session after maxConsecutiveFailures retryable upstream failures, with the last error', async () => {
    const o = new SigningOrchestrator({
      client: itsme.client,
      store: new MemorySessionStore(),
      redirectUrl: REDIRECT_URL,
      pollIntervalMs: 10,
      maxConsecutiveFailures: 2,
    });
    const started = await o.start({ subject: { mode: 'hash', digest } });
    if (started.status !== 'identifying') throw new Error('not identifying');
    await sandbox.control.identify({ url: started.identification.identificationUrl });
    sandbox.setFault('identificationStatus', { kind: 'status', status: 503 });
    try {
      // One failure: the session waits for the next poll.
      expect((await o.advance(started.id, { force: true }))?.status).toBe('identifying');
      // The second in a row ends it.
      expect(await o.advance(started.id, { force: true })).toMatchObject({
        status: 'failed',
        failure: { code: 'UPSTREAM_ERROR' },
      });
    } finally {
      sandbox.setFault('identificationStatus', null);
    }
  });

  it('cancels a live session; an unknown one is undefined', async () => {
    const o = itsme.orchestrator;
    const started = await o.start({ subject: { mode: 'hash', digest } });
    expect(await o.cancel(started.id)).toMatchObject({
      status: 'cancelled',
      failure: { code: 'SESSION_CANCELLED' },
    });
    expect(await o.get('no-such-session-0000000')).toBeUndefined();
  });

  it('refuses bad input before anything is stored or sent', async () => {
    const o = itsme.orchestrator;
    await expect(o.start({ subject: { mode: 'hash', digest: 'abc' } })).rejects.toMatchObject({
      code: 'INVALID_DIGEST',
    });
    await expect(o.start({ subject: { mode: 'hash', digest }, lang: 'XX' })).rejects.toMatchObject({
      field: 'lang',
    });
    await expect(o.start({ subject: { mode: 'document', documentId: 'd' } })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'documents',
    });
  });
});

describe('composition: constructors take instances, close() closes what was created', () => {
  it('the orchestrator takes a client and a store, not their options', () => {
    expect(
      () =>
        new SigningOrchestrator({
          client: sandbox.clientOptions() as never,
          store: new MemorySessionStore(),
          redirectUrl: REDIRECT_URL,
        }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'client' }));
    expect(
      () =>
        new SigningOrchestrator({
          client: itsme.client,
          store: undefined as never,
          redirectUrl: REDIRECT_URL,
        }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'store' }));
  });

  it('a handler with a ready orchestrator refuses orchestrator settings instead of ignoring them', () => {
    const base = {
      orchestrator: itsme.orchestrator,
      statusPageUrl: '/s',
      cookie: { secrets: [COOKIE_SECRET] },
    };
    expect(() => createItsmeSignHandler({ ...base, pollIntervalMs: 10 } as never)).toThrow(ItsmeSignError);
    expect(() => createItsmeSignHandler({ ...base, redirectUrl: REDIRECT_URL } as never)).toThrow(
      /redirectUrl/,
    );
    expect(createItsmeSignHandler(base).orchestrator).toBe(itsme.orchestrator);
  });

  it('instances passed in stay open; what was created from options is closed once', async () => {
    const client: B2BClient = createB2BClient(sandbox.clientOptions());
    const store = new MemorySessionStore();
    let closedClient = 0;
    let closedStore = 0;
    const realClose = client.close.bind(client);
    client.close = async () => {
      closedClient++;
      await realClose();
    };
    store.close = async () => {
      closedStore++;
    };
    const given = createItsmeSign({
      client,
      store,
      redirectUrl: REDIRECT_URL,
      statusPageUrl: '/s',
      cookie: { secrets: [COOKIE_SECRET] },
    });
    expect(given.client).toBe(client);
    expect(given.store).toBe(store);
    await given.close();
    expect([closedClient, closedStore]).toEqual([0, 0]);

    const owning = createSigningOrchestrator({ client, redirectUrl: REDIRECT_URL });
    expect(owning.store).toBeInstanceOf(MemorySessionStore);
    await owning.close();
    await owning.close();
    expect(closedClient).toBe(0);
    await client.close();
  });
});
