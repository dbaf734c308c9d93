/**
 * Batch signing (a contract option: up to 70 hashes in one itsme® action, PROTOCOL-NOTES §20): the per-partner
 * limit and its errors, a batch signed and verified, the answer's order, the sigObj faults and the pages' count.
 */
import { verify, X509Certificate } from 'node:crypto';
import { ResultMajor } from '@itsme-sign/core';
import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_PARTNER, type Fault, type Sandbox, startSandbox } from './index.js';
import {
  batchStartBody,
  REDIRECT_URL,
  signStatusBody,
  type TestDocument,
  testDocuments,
} from './test-support/requests.js';
import { identifyUser } from './test-support/users.js';

interface SignAnswer {
  result: { maj: string; min?: string; msg?: { value: string } };
  respID?: string;
  optOutp?: { itsme: { signingUrl: string } };
  sigObj?: { b64Sig: { value: string }; whichDoc: string }[];
}

let sb: Sandbox;
let user: { userCode: string; certificate: string };

beforeAll(async () => {
  sb = await startSandbox({
    dataDir: inject('sandboxDataDir'),
    partners: [{ ...DEFAULT_PARTNER, redirectUrls: [REDIRECT_URL], maxHashes: 70 }],
  });
  user = await identifyUser(sb, '+32470000701');
});

afterAll(async () => {
  await sb?.close();
});

async function start(docs: readonly TestDocument[], on: Sandbox = sb) {
  const res = await b2bRaw(on, '/sign_document', batchStartBody(user.userCode, docs));
  return { status: res.status, body: res.json as SignAnswer };
}

async function status(respID: string) {
  return (await b2bRaw(sb, '/sign_document', signStatusBody(respID))).json as SignAnswer;
}

/** Starts a batch, approves it in the app, and returns the first status answer after that. */
async function signBatch(docs: readonly TestDocument[]) {
  const started = await start(docs);
  expect(started.status).toBe(200);
  const respID = started.body.respID as string;
  await sb.control.sign({ url: started.body.optOutp?.itsme.signingUrl as string });
  return { respID, done: await status(respID) };
}

type SigObjKind = Extract<Fault['kind'], `sigObj${string}`>;

const ids = (answer: SignAnswer) => (answer.sigObj ?? []).map((e) => e.whichDoc);

describe('the batch-signing limit (PartnerConfig.maxHashes)', () => {
  it.each([0, 71, 2.5, -1, Number.NaN, '3'])('refuses maxHashes %s at start-up', async (maxHashes) => {
    await expect(
      startSandbox({
        dataDir: inject('sandboxDataDir'),
        partners: [{ partnerCode: 'B', serviceCode: 'S', maxHashes: maxHashes as number }],
      }),
    ).rejects.toThrow(/maxHashes of partner B must be an integer from 1 to 70/);
  });

  it('allows one hash by default: a second one is ONLY_SINGLE_HASH_SUPPORTED', async () => {
    const single = await startSandbox({ dataDir: inject('sandboxDataDir') });
    try {
      single.addRedirectUrl(REDIRECT_URL);
      const { docs } = testDocuments(2);
      const res = await start(docs, single);
      expect(res.status).toBe(400);
      expect(res.body.result).toMatchObject({
        maj: ResultMajor.RequesterError,
        min: 'ONLY_SINGLE_HASH_SUPPORTED',
      });
      expect(res.body.result.msg?.value).toMatch(/only allows 1 hash.*batch signing/);
      expect((await start(docs.slice(0, 1), single)).status).toBe(200);
    } finally {
      await single.close();
    }
  });

  it('takes up to 70 hashes with maxHashes 70; 71 is BATCH_TOO_LARGE', async () => {
    const { docs } = testDocuments(71);
    const over = await start(docs);
    expect(over.status).toBe(400);
    expect(over.body.result).toMatchObject({ maj: ResultMajor.RequesterError, min: 'BATCH_TOO_LARGE' });
    expect(over.body.result.msg?.value).toBe('The limit is currently 70 hashes in one request.');
    const full = await start(docs.slice(0, 70));
    expect(full.status).toBe(200);
    expect(full.body.result.maj).toBe(ResultMajor.Pending);
    const session = sb.control.sessions().find((s) => s.id === full.body.respID);
    expect(session).toMatchObject({ kind: 'sign', hashes: 70, docId: 'doc-1.pdf' });
    expect(session?.docIds).toEqual(docs.slice(0, 70).map((d) => d.id));
  });

  it('is changed at run time by control.setMaxHashes (in-process and over HTTP), within 1..70', async () => {
    const { docs } = testDocuments(4);
    try {
      expect(sb.control.setMaxHashes(3)).toEqual({ partnerCode: 'DEMO', maxHashes: 3 });
      const res = await start(docs);
      expect(res.body.result).toMatchObject({ min: 'BATCH_TOO_LARGE' });
      expect(res.body.result.msg?.value).toBe('The limit is currently 3 hashes in one request.');
      expect((await start(docs.slice(0, 3))).status).toBe(200);

      sb.control.setMaxHashes(1, 'DEMO');
      expect((await start(docs.slice(0, 2))).body.result.min).toBe('ONLY_SINGLE_HASH_SUPPORTED');
      expect(() => sb.control.setMaxHashes(71)).toThrow(/from 1 to 70/);
      expect(() => sb.control.setMaxHashes(2, 'NOPE')).toThrow(/unknown partner NOPE/);

      const post = (body: unknown) =>
        fetch(`${sb.controlUrl}/max-hashes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const ok = await post({ maxHashes: 4, partnerCode: 'DEMO' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ partnerCode: 'DEMO', maxHashes: 4 });
      expect((await start(docs)).status).toBe(200);
      for (const bad of [{ maxHashes: 0 }, { maxHashes: '4' }, {}, { maxHashes: 4, partnerCode: 'NOPE' }]) {
        const res = await post(bad);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/maxHashes|unknown partner/);
      }
    } finally {
      sb.control.setMaxHashes(70);
    }
  });
});

describe('a batch of 3', () => {
  it('signs every digest with the user key; sigObj is in another order than docHash, matched by whichDoc', async () => {
    const { docs, data } = testDocuments(3, 'flow');
    const before = sb.stats();
    const { respID, done } = await signBatch(docs);
    expect(done.result.maj).toBe(ResultMajor.Success);
    expect(done.sigObj).toHaveLength(3);
    expect(ids(done)).not.toEqual(docs.map((d) => d.id));
    expect(ids(done)).toEqual(docs.map((d) => d.id).reverse());

    const cert = new X509Certificate(user.certificate);
    for (const [i, doc] of docs.entries()) {
      const entry = done.sigObj?.find((e) => e.whichDoc === doc.id);
      const signature = Buffer.from(entry?.b64Sig.value as string, 'base64');
      expect(verify('sha256', data[i] as Buffer, cert.publicKey, signature)).toBe(true);
    }
    // a client matching by position pairs document 1 with the signature of document 3
    const byPosition = Buffer.from(done.sigObj?.[0]?.b64Sig.value as string, 'base64');
    expect(verify('sha256', data[0] as Buffer, cert.publicKey, byPosition)).toBe(false);

    const after = sb.stats();
    expect(after.signSessionsStarted - before.signSessionsStarted).toBe(1);
    expect(after.signaturesProduced - before.signaturesProduced).toBe(3);
    expect(sb.control.sessions().find((s) => s.id === respID)).toMatchObject({
      state: 'signed',
      hashes: 3,
      docIds: docs.map((d) => d.id),
    });

    // verify_document still checks one signature value against one digest
    const entry = done.sigObj?.find((e) => e.whichDoc === 'doc-2.pdf');
    const verified = await b2bRaw(sb, '/verify_document', {
      reqID: 'v',
      inDocs: {
        docHash: [
          {
            id: 'doc-2.pdf',
            di: [{ alg: 'http://www.w3.org/2001/04/xmlenc#sha256', value: docs[1]?.digest }],
          },
        ],
      },
      sigObject: entry,
    });
    expect((verified.json as SignAnswer).result).toMatchObject({ maj: ResultMajor.Success, min: 'VALID' });
  });
});

describe('sigObj faults of the sign status', () => {
  it.each<[SigObjKind, (answer: SignAnswer, docs: TestDocument[]) => void]>([
    [
      'sigObjMissing',
      (answer, docs) => {
        expect(answer.sigObj).toHaveLength(2);
        expect(docs.filter((d) => !ids(answer).includes(d.id))).toHaveLength(1);
      },
    ],
    [
      'sigObjRepeated',
      (answer, docs) => {
        expect(answer.sigObj).toHaveLength(4);
        expect(new Set(ids(answer)).size).toBe(3);
        expect(docs.every((d) => ids(answer).includes(d.id))).toBe(true);
      },
    ],
    [
      'sigObjUnknown',
      (answer, docs) => {
        expect(answer.sigObj).toHaveLength(4);
        expect(docs.every((d) => ids(answer).includes(d.id))).toBe(true);
        expect(ids(answer).filter((id) => !docs.some((d) => d.id === id))).toEqual(['not-in-request']);
      },
    ],
  ])('%s breaks the first success answer only (Pending answers leave it waiting)', async (kind, check) => {
    const { docs } = testDocuments(3, kind);
    sb.setFault('signStatus', { kind, times: 1 });
    const started = await start(docs);
    const respID = started.body.respID as string;
    expect((await status(respID)).result.maj).toBe(ResultMajor.Pending); // the fault is not used up
    await sb.control.sign({ url: started.body.optOutp?.itsme.signingUrl as string });
    const faulty = await status(respID);
    expect(faulty.result.maj).toBe(ResultMajor.Success);
    check(faulty, docs);
    const next = await status(respID);
    expect(ids(next).sort()).toEqual(docs.map((d) => d.id).sort());
  });

  it('leaves a one-document answer without signature (sigObjMissing), set over the control API', async () => {
    const { docs } = testDocuments(1, 'single-missing');
    const set = await fetch(`${sb.controlUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'signStatus', fault: { kind: 'sigObjMissing', times: 1 } }),
    });
    expect(set.status).toBe(200);
    const { done } = await signBatch(docs);
    expect(done).toMatchObject({ result: { maj: ResultMajor.Success }, sigObj: [] });
  });

  it('applies to signStatus only', async () => {
    for (const endpoint of ['sign', 'identification', 'ocsp'] as const) {
      expect(() => sb.setFault(endpoint, { kind: 'sigObjRepeated' })).toThrow(/signStatus only/);
    }
    const res = await fetch(`${sb.controlUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'sign', fault: { kind: 'sigObjUnknown' } }),
    });
    expect(res.status).toBe(400);
  });
});

describe('the signing page and the app show how many documents', () => {
  const count = /data-testid="document-count" data-count="(\d+)">([^<]*)</;

  it.each([
    ['EN', '3 documents', 'Sign documents'],
    ['FR', '3 documents', 'Signer des documents'],
    ['NL', '3 documenten', 'Documenten ondertekenen'],
    ['DE', '3 Dokumente', 'Dokumente unterschreiben'],
  ])('%s: "%s"', async (lang, text, title) => {
    const { docs } = testDocuments(3, `page-${lang}`);
    const started = await start(docs);
    const signingUrl = new URL(started.body.optOutp?.itsme.signingUrl as string);
    signingUrl.searchParams.set('language', lang);
    const page = await (await fetch(signingUrl)).text();
    expect(count.exec(page)?.slice(1)).toEqual(['3', text]);
    const phone = await (await fetch(`${sb.frontUrl}/phone?number=%2B32470000701&language=${lang}`)).text();
    const card = phone.slice(phone.indexOf(`data-session="${started.body.respID}"`));
    expect(card).toContain(`<h2>${title}</h2>`);
    expect(count.exec(card)?.slice(1)).toEqual(['3', text]);
    await sb.control.sign({ url: signingUrl.toString(), action: 'reject' });
  });

  it('shows no count for one document', async () => {
    const { docs } = testDocuments(1, 'page-single');
    const started = await start(docs);
    const page = await (await fetch(started.body.optOutp?.itsme.signingUrl as string)).text();
    expect(page).not.toContain('document-count');
    const phone = await (await fetch(`${sb.frontUrl}/phone?number=%2B32470000701&language=EN`)).text();
    expect(phone).toContain('<h2>Sign a document</h2>');
    expect(phone).not.toContain('document-count');
    await sb.control.sign({ url: started.body.optOutp?.itsme.signingUrl as string, action: 'reject' });
  });
});
