import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../wire/constants.js';
import { normalizeSubject } from './session-input.js';
import { matchSignatures } from './signing.js';
import { createSession, type SigningSession, transition } from './state.js';
import { MemorySessionStore } from './store.js';
import { upgradeSession } from './upgrade.js';

const digestOf = (text: string) => createHash('sha256').update(text).digest('base64');
const digests = (n: number) => Array.from({ length: n }, (_, i) => digestOf(`document ${i}`));
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('a batch subject', () => {
  it('has one entry per document, unique docHash ids, digests normalized', () => {
    const hex = createHash('sha256').update('x').digest('hex');
    const subject = normalizeSubject(
      { mode: 'hash', digests: [{ digest: hex, name: 'terms.pdf' }, digestOf('b'), digestOf('c')] },
      70,
    );
    expect(subject).toEqual({
      mode: 'hash',
      documents: [
        { id: '1-terms.pdf', digest: digestOf('x'), name: 'terms.pdf' },
        { id: '2-document', digest: digestOf('b') },
        { id: '3-document', digest: digestOf('c') },
      ],
    });
    const named = normalizeSubject(
      {
        mode: 'document',
        documentIds: [
          { documentId: 'A', name: 'a.pdf' },
          { documentId: 'B', name: 'b.pdf' },
        ],
      },
      2,
    );
    expect(named.documents.map((d) => d.id)).toEqual(['a.pdf', 'b.pdf']);
    // The single forms are unchanged: the id is the document's name, or `document`.
    expect(
      normalizeSubject({ mode: 'hash', digest: digestOf('x'), documentName: 'c.pdf' }, 1).documents,
    ).toEqual([{ id: 'c.pdf', digest: digestOf('x'), name: 'c.pdf' }]);
  });

  it('is refused before any call when the contract does not allow it', () => {
    expect(codeOf(() => normalizeSubject({ mode: 'hash', digests: digests(2) }, 1))).toBe(
      'BATCH_NOT_ALLOWED',
    );
    expect(codeOf(() => normalizeSubject({ mode: 'hash', digests: digests(3) }, 2))).toBe('BATCH_TOO_LARGE');
    // 71 is over itsme®'s own limit whatever the setting; the list is not even read.
    expect(codeOf(() => normalizeSubject({ mode: 'hash', digests: digests(71) }, 1))).toBe('BATCH_TOO_LARGE');
    expect(codeOf(() => normalizeSubject({ mode: 'hash', digests: digests(71) }, 70))).toBe(
      'BATCH_TOO_LARGE',
    );
    expect(codeOf(() => normalizeSubject({ mode: 'hash', digests: [] }, 70))).toBe('INVALID_REQUEST');
    expect(codeOf(() => normalizeSubject({ mode: 'hash', digests: ['abc'] }, 70))).toBe('INVALID_DIGEST');
    expect(normalizeSubject({ mode: 'hash', digests: digests(70) }, 70).documents).toHaveLength(70);
    try {
      normalizeSubject({ mode: 'hash', digests: digests(2) }, 1);
    } catch (error) {
      expect((error as Error).message).toMatch(/allows one per signature \(maxDocuments: 1\)/);
    }
  });

  it('long or repeated names still give unique ids within the limit', () => {
    const long = 'x'.repeat(400);
    const subject = normalizeSubject(
      { mode: 'hash', digests: digests(3).map((digest) => ({ digest, name: long })) },
      3,
    );
    const ids = subject.documents.map((d) => d.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(LIMITS.docId);
  });
});

describe('matching returned signatures to documents', () => {
  const sent = ['a', 'b', 'c'].map((id) => ({ id, digest: digestOf(id) }));
  const value = (whichDoc: string) => ({ whichDoc, signatureValue: `sig-${whichDoc}` });

  it('matches by whichDoc, whatever the order', () => {
    const values = matchSignatures(sent, [value('c'), value('a'), value('b')]);
    expect([...values]).toEqual([
      ['c', 'sig-c'],
      ['a', 'sig-a'],
      ['b', 'sig-b'],
    ]);
  });

  it.each([
    ['a missing document', [value('a'), value('b')]],
    ['a repeated whichDoc', [value('a'), value('b'), value('b')]],
    ['an unknown whichDoc', [value('a'), value('b'), value('d')]],
    ['a repeated one instead of a missing one', [value('a'), value('a'), value('b')]],
  ])('refuses %s (nothing is accepted)', (_, returned) => {
    expect(codeOf(() => matchSignatures(sent, returned))).toBe('INVALID_RESPONSE');
  });
});

describe('sessions stored by the previous version', () => {
  const v1 = (patch: Record<string, unknown>) =>
    ({
      id: 'old-session-0000000001',
      version: 5,
      createdAt: 1,
      updatedAt: 2,
      expiresAt: 100_000,
      options: { lang: 'EN' },
      identification: { asyncRespID: 'A', identificationUrl: 'https://i/', returned: true },
      signer: { userCode: 'U', certificate: 'C', certificateChain: ['C'] },
      ...patch,
    }) as unknown as SigningSession;

  it('a signing hash-mode session reads in the new shape and can still be signed', () => {
    const old = v1({
      status: 'signing',
      subject: { mode: 'hash', digest: 'd', documentName: 'c.pdf' },
      signing: { respID: 'R', signingUrl: 'https://s/', docId: 'c.pdf', digest: 'd', returned: false },
    });
    const now = upgradeSession(old);
    expect(now).toMatchObject({
      subject: { mode: 'hash', documents: [{ id: 'c.pdf', digest: 'd', name: 'c.pdf' }] },
      signing: { respID: 'R', documents: [{ id: 'c.pdf', digest: 'd' }], returned: false },
    });
    const signed = transition(now, { type: 'SIGNED', documents: [{ id: 'c.pdf', signatureValue: 's' }] }, 3);
    expect(signed.status).toBe('signed');
  });

  it('a signed document-mode session keeps its value, reference and prepared state', () => {
    const old = v1({
      status: 'signed',
      subject: { mode: 'document', documentId: 'doc-1' },
      signing: {
        respID: 'R',
        signingUrl: 'https://s/',
        docId: 'document',
        digest: 'd',
        prepared: { x: 1 },
        returned: true,
      },
      signed: { signatureValue: 's', resultRef: 'ref-1', signedAt: 3 },
    });
    expect(upgradeSession(old)).toMatchObject({
      subject: { mode: 'document', documents: [{ id: 'document', documentId: 'doc-1' }] },
      signing: { documents: [{ id: 'document', digest: 'd', prepared: { x: 1 } }] },
      signed: { signedAt: 3, documents: [{ id: 'document', signatureValue: 's', resultRef: 'ref-1' }] },
    });
  });

  it('a session in the new shape is returned as it is', () => {
    const s = createSession({
      id: 'new-session-0000000001',
      subject: { mode: 'hash', documents: [{ id: 'd', digest: 'x' }] },
      options: { lang: 'EN' },
      now: 1,
      ttlMs: 1000,
    });
    expect(upgradeSession(s)).toBe(s);
  });
});

describe('the in-memory result cache', () => {
  it('keeps results until their TTL, within its byte budget, oldest dropped first', async () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now, maxResultBytes: 10 });
    expect(await store.putResult('a', new Uint8Array([1, 2, 3, 4]), 100)).toBe(true);
    expect(await store.putResult('b', new Uint8Array([5, 6, 7, 8]), 100)).toBe(true);
    expect(await store.putResult('c', new Uint8Array([9, 9, 9, 9]), 100)).toBe(true);
    expect(await store.getResult('a')).toBeUndefined();
    expect(await store.getResult('b')).toEqual(new Uint8Array([5, 6, 7, 8]));
    expect(await store.putResult('big', new Uint8Array(11), 100)).toBe(false);
    now = 100;
    expect(await store.getResult('c')).toBeUndefined();
    await store.close();
  });
});
