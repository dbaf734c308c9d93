/**
 * Batch signing through the web handler against the sandbox over mutual TLS: several documents, one
 * identification and one confirmation; results per document and as one archive; the contract's limits; and
 * answers whose `sigObj` does not match the documents sent.
 */
import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSignatureResult, SessionView, SignatureResult } from '../contract/index.js';
import type { ItsmeSign, ItsmeSignConfig } from '../itsme-sign.js';
import type { DocumentSigner, DocumentSource } from '../session/document-signer.js';
import { verifySignatureValue } from '../signature.js';
import { sandboxItsme, startTestSandbox, urlOf } from '../test-support/sandbox.js';
import { WebBrowser } from '../test-support/web-browser.js';

const BASE = '/api/itsme';
const FILES: Record<string, string> = {
  'doc-terms': 'terms.pdf',
  'doc-annex': 'annex.pdf',
  'doc-mandate': 'mandate.pdf',
};

let sandbox: Sandbox;
const open: ItsmeSign[] = [];
let finalized = 0;

/**
 * A minimal `DocumentSigner`: the data to be signed is the file's SHA-256; the "signed document" is the file
 * followed by the signature value. Enough to see what core does with documents (ades is tested on its own).
 */
const signer: DocumentSigner = {
  async prepare(document) {
    const digest = createHash('sha256').update(bytesOf(document)).digest('base64');
    return { digest, state: { digest } };
  },
  async finalize(_state, signatureValue, document) {
    finalized++;
    const bytes = Buffer.concat([bytesOf(document), Buffer.from(`\n%sig ${signatureValue}`)]);
    return { name: document.name, contentType: 'application/pdf', bytes: new Uint8Array(bytes) };
  },
};
const bytesOf = (d: DocumentSource) => Buffer.from(d.data as Uint8Array);

function itsmeSign(extra: Partial<ItsmeSignConfig> = {}): ItsmeSign {
  const it = sandboxItsme(sandbox, {
    basePath: BASE,
    allowBrowserDigests: true, // hash mode from the browser (opt-in)
    maxDocuments: 70,
    documents: {
      documentSigner: signer,
      resolveDocument: async (id) =>
        FILES[id]
          ? { name: FILES[id], contentType: 'application/pdf', data: new TextEncoder().encode(`%PDF ${id}`) }
          : undefined,
    },
    ...extra,
  });
  open.push(it);
  return it;
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sandbox.control.setMaxHashes(70);
});
afterEach(() => {
  for (const endpoint of ['signStatus'] as const) sandbox.control.setFault(endpoint, null);
  sandbox.control.setMaxHashes(70);
});
afterAll(async () => {
  for (const it of open) await it.close();
  await sandbox?.close();
});

/** The test browser, plus the user's whole part at itsme®: one identification, one confirmation. */
class Browser extends WebBrowser {
  constructor(itsme: ItsmeSign) {
    super(itsme.handler);
  }

  start(body: unknown): Promise<Response> {
    return this.post(`${BASE}/sessions`, body);
  }

  async approve(started: SessionView): Promise<SessionView> {
    await sandbox.control.identify({ url: urlOf(started.next) });
    await this.send(`${BASE}/callback`);
    const signing = await this.view();
    expect(signing.status).toBe('signing');
    await sandbox.control.sign({ url: urlOf(signing.next) });
    await this.send(`${BASE}/callback`);
    return this.view();
  }
}

const digestOf = (text: string) => createHash('sha256').update(text).digest('base64');

describe('batch signing through the handler (sandbox, mutual TLS)', () => {
  it('hash mode: three digests, one approval, each signature verifies against its own digest', async () => {
    const browser = new Browser(itsmeSign());
    const digests = ['one', 'two', 'three'].map(digestOf);
    const created = await browser.start({ digests, documentNames: ['a.pdf', 'b.pdf', 'c.pdf'] });
    expect(created.status).toBe(201);
    const started = (await created.json()) as SessionView;
    expect(started.documents.map((d) => d.name)).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);

    const done = await browser.approve(started);
    expect(done.status).toBe('signed');
    expect(done.next).toEqual({ action: 'done', resultUrl: `${BASE}/session/result` });
    expect(done.documents.map((d) => d.resultUrl)).toEqual(
      ['a.pdf', 'b.pdf', 'c.pdf'].map((id) => `${BASE}/session/result?document=${id}`),
    );
    const all = (await (await browser.send(`${BASE}/session/result`)).json()) as BatchSignatureResult;
    expect(all.signatures.map((s) => s.digest)).toEqual(digests);
    for (const s of all.signatures) {
      verifySignatureValue({ digest: Buffer.from(s.digest, 'base64') }, s.signatureValue, all.certificate);
    }
    const one = (await (
      await browser.send(`${BASE}/session/result?document=b.pdf`)
    ).json()) as SignatureResult;
    expect(one).toMatchObject({ digest: digests[1], signatureValue: all.signatures[1]?.signatureValue });
    const unknown = await browser.send(`${BASE}/session/result?document=z.pdf`);
    expect(unknown.status).toBe(404);
  });

  it('document mode: three documents, each finalized once; every download and the zip serve those bytes', async () => {
    const browser = new Browser(itsmeSign());
    const started = (await (
      await browser.start({ documentIds: ['doc-terms', 'doc-annex', 'doc-mandate'] })
    ).json()) as SessionView;
    // Names come from the app's files when the browser gives none.
    expect(started.documents.map((d) => d.name)).toEqual(['terms.pdf', 'annex.pdf', 'mandate.pdf']);
    const before = finalized;
    const done = await browser.approve(started);
    expect(done.status).toBe('signed');
    expect(finalized - before).toBe(3);
    expect(done.next).toEqual({ action: 'done', resultUrl: `${BASE}/session/result.zip` });

    const downloads = [];
    for (const doc of done.documents) {
      const res = await browser.send(doc.resultUrl as string);
      expect(res.headers.get('content-disposition')).toContain(`filename="${doc.name}"`);
      downloads.push(Buffer.from(await res.arrayBuffer()));
    }
    const again = Buffer.from(
      await (await browser.send(done.documents[0]?.resultUrl as string)).arrayBuffer(),
    );
    expect(again.equals(downloads[0] as Buffer)).toBe(true);
    expect(downloads[1]?.toString()).toMatch(/^%PDF doc-annex\n%sig /);

    const zip = await browser.send(`${BASE}/session/result.zip`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(files)).toEqual(['terms.pdf', 'annex.pdf', 'mandate.pdf']);
    expect(Buffer.from(files['annex.pdf'] as Uint8Array).equals(downloads[1] as Buffer)).toBe(true);
    // Built once: no download finalized anything again.
    expect(finalized - before).toBe(3);
    // A batch has no single result to give.
    expect((await browser.send(`${BASE}/session/result`)).status).toBe(400);
  });

  it('more documents than the contract allows are refused before any call, with their own codes', async () => {
    const calls = () => sandbox.stats().calls.identification ?? 0;
    const before = calls();
    const single = new Browser(itsmeSign({ maxDocuments: 1 }));
    const notAllowed = await single.start({ digests: [digestOf('a'), digestOf('b')] });
    expect(notAllowed.status).toBe(500);
    expect((await notAllowed.json()).error).toMatchObject({
      code: 'BATCH_NOT_ALLOWED',
      category: 'configuration',
    });

    const batch = new Browser(itsmeSign({ maxDocuments: 70 }));
    const digests = Array.from({ length: 71 }, (_, i) => digestOf(`d${i}`));
    const tooLarge = await batch.start({ digests });
    expect((await tooLarge.json()).error).toMatchObject({
      code: 'BATCH_TOO_LARGE',
      category: 'configuration',
    });
    expect(calls()).toBe(before);
    expect((await batch.start({ digests: digests.slice(0, 70) })).status).toBe(201);
  });

  it("a partner without the batch option: itsme®'s refusal surfaces as BATCH_NOT_ALLOWED", async () => {
    sandbox.control.setMaxHashes(1);
    const browser = new Browser(itsmeSign({ maxDocuments: 3 }));
    const started = (await (
      await browser.start({ digests: [digestOf('x'), digestOf('y')] })
    ).json()) as SessionView;
    await sandbox.control.identify({ url: urlOf(started.next) });
    await browser.send(`${BASE}/callback`);
    const view = await browser.view();
    expect(view.status).toBe('failed');
    expect(view.error).toMatchObject({ code: 'BATCH_NOT_ALLOWED', reason: 'ONLY_SINGLE_HASH_SUPPORTED' });
  });

  it.each(['sigObjMissing', 'sigObjRepeated', 'sigObjUnknown'] as const)(
    'an answer with %s is refused and nothing is embedded',
    async (kind) => {
      const browser = new Browser(itsmeSign({ maxConsecutiveFailures: 2 }));
      const started = (await (
        await browser.start({ documentIds: ['doc-terms', 'doc-annex', 'doc-mandate'] })
      ).json()) as SessionView;
      sandbox.control.setFault('signStatus', { kind });
      const before = finalized;
      let view = await browser.approve(started);
      for (let i = 0; i < 20 && view.status === 'signing'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        view = await browser.view();
      }
      expect(view.status).toBe('failed');
      expect(view.error?.code).toBe('INVALID_RESPONSE');
      expect(finalized).toBe(before);
    },
  );
});
