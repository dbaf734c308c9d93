/**
 * Server-side completion and the evidence record, against the sandbox over mutual TLS: the user signs at
 * itsme® and the browser never comes back.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItsmeSign, ItsmeSignConfig } from '../itsme-sign.js';
import { verifySignatureValue } from '../signature.js';
import { sandboxItsme, startTestSandbox } from '../test-support/sandbox.js';
import type { SignatureRecord } from './evidence.js';
import type { SigningSession } from './state.js';
import { MemorySessionStore } from './store.js';

let sandbox: Sandbox;
const open: ItsmeSign[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sandbox.control.setMaxHashes(70);
});
afterAll(async () => {
  for (const it of open) await it.close();
  await sandbox?.close();
});

function instance(extra: Partial<ItsmeSignConfig>): ItsmeSign {
  const it = sandboxItsme(sandbox, { maxDocuments: 3, ...extra });
  open.push(it);
  return it;
}

const digestOf = (text: string) => createHash('sha256').update(text).digest('base64');

/** Starts a session and brings it to `signing` the way the browser's callback would. */
async function toSigning(
  itsme: ItsmeSign,
  digests: string[],
): Promise<SigningSession & { status: 'signing' }> {
  const started = await itsme.orchestrator.start({
    subject: { mode: 'hash', digests: digests.map((digest, i) => ({ digest, name: `doc-${i}.pdf` })) },
    signerRole: { EN: 'Director', FR: 'Directeur', NL: 'Directeur', DE: 'Direktor' }, // one per language
  });
  if (started.status !== 'identifying') throw new Error(started.status);
  await sandbox.control.identify({ url: started.identification.identificationUrl });
  const signing = await itsme.orchestrator.userReturned(started.id);
  if (signing?.status !== 'signing') throw new Error(`not signing: ${signing?.status}`);
  return signing;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('server-side completion', () => {
  it('the browser never comes back: the back end completes the session and hands over its evidence record', async () => {
    const records: SignatureRecord[] = [];
    const itsme = instance({ onSigned: (record) => void records.push(record) });
    const digests = [digestOf('terms'), digestOf('annex')];
    const signing = await toSigning(itsme, digests);
    await sandbox.control.sign({ url: signing.signing.signingUrl });
    // No callback, no browser poll: only the back end asks.
    const signed = await until(
      () => itsme.store.get(signing.id),
      (s) => s?.status === 'signed',
    );
    expect(signed?.status).toBe('signed');
    await until(
      async () => records.length,
      (n) => n > 0,
    );
    expect(records).toHaveLength(1);
    const record = records[0] as SignatureRecord;
    const cert = new X509Certificate(record.signer.certificate);
    expect(record).toMatchObject({
      type: 'itsme-sign.signature',
      version: 1,
      sessionId: signing.id,
      mode: 'hash',
      signer: { serialNumber: cert.serialNumber.toUpperCase(), userCode: signing.signer.userCode },
      policy: { signerRole: { EN: 'Director', DE: 'Direktor' } },
      itsme: { asyncRespID: signing.identification.asyncRespID, respID: signing.signing.respID },
    });
    expect(record.signer.name).toBeTruthy();
    expect(record.documents.map((d) => [d.name, d.signedDigest])).toEqual([
      ['doc-0.pdf', digests[0]],
      ['doc-1.pdf', digests[1]],
    ]);
    for (const d of record.documents) {
      verifySignatureValue(
        { digest: Buffer.from(d.signedDigest, 'base64') },
        d.signatureValue,
        cert.toString(),
      );
    }
    const t = record.times;
    expect(Date.parse(t.created)).toBeLessThanOrEqual(Date.parse(t.identified as string));
    expect(Date.parse(t.identified as string)).toBeLessThanOrEqual(Date.parse(t.signingStarted as string));
    expect(Date.parse(t.signingStarted as string)).toBeLessThanOrEqual(Date.parse(t.signed));
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    expect(itsme.orchestrator.signatureRecord(signed as SigningSession)).toEqual(record);
  });

  it('two instances on one store: one status call per poll interval, one onSigned in all', async () => {
    const store = new MemorySessionStore();
    const records: string[] = [];
    const a = instance({ store, onSigned: (r) => void records.push(`a:${r.sessionId}`) });
    const b = instance({ store, onSigned: (r) => void records.push(`b:${r.sessionId}`) });
    const signing = await toSigning(a, [digestOf('x')]);
    await b.orchestrator.advance(signing.id); // b follows it too (say, a browser poll landed there)
    const before = sandbox.stats().calls.signStatus ?? 0;
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    await sandbox.control.sign({ url: signing.signing.signingUrl });
    await until(
      () => store.get(signing.id),
      (s) => s?.status === 'signed',
    );
    const calls = (sandbox.stats().calls.signStatus ?? 0) - before;
    // At most one per 20 ms poll interval across both instances (with room for timer slack).
    expect(calls).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 20) + 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(records).toHaveLength(1);
    await store.close();
  });

  it('completeInBackground: false leaves the session to the browser', async () => {
    const itsme = instance({ completeInBackground: false });
    const signing = await toSigning(itsme, [digestOf('y')]);
    await sandbox.control.sign({ url: signing.signing.signingUrl });
    await new Promise((r) => setTimeout(r, 200));
    expect((await itsme.store.get(signing.id))?.status).toBe('signing');
    expect((await itsme.orchestrator.advance(signing.id))?.status).toBe('signed');
  });

  it('close() stops following: nothing is asked after it', async () => {
    const itsme = instance({});
    const signing = await toSigning(itsme, [digestOf('z')]);
    await itsme.orchestrator.close();
    const before = sandbox.stats().calls.signStatus ?? 0;
    await new Promise((r) => setTimeout(r, 200));
    expect(sandbox.stats().calls.signStatus ?? 0).toBe(before);
    expect((await itsme.store.get(signing.id))?.status).toBe('signing');
  });
});
