import { describe, expect, it } from 'vitest';
import { STUB_ORIGIN, stubDigest, stubHandler } from '../test-support/stub-orchestrator.js';

const error = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; field?: string } }).error;

describe('POST /sessions: the server decides what is signed', () => {
  it('a digest chosen by the browser is refused by default (403 naming allowBrowserDigests); opt-in signs it', async () => {
    const closed = stubHandler();
    for (const body of [{ digest: stubDigest }, { digests: [stubDigest, stubDigest] }]) {
      const res = await closed.post(body);
      expect(res.status).toBe(403);
      const e = await error(res);
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toMatch(/allowBrowserDigests: true/);
      expect(e.message).toMatch(/prepareSession/);
    }
    expect(closed.inputs).toEqual([]);
    const open = stubHandler({ allowBrowserDigests: true });
    expect((await open.post({ digest: stubDigest, description: 'Contract' })).status).toBe(201);
    expect(open.inputs[0]).toMatchObject({
      subject: { mode: 'hash', digest: stubDigest },
      description: 'Contract',
    });
  });

  it('prepareSession decides the subject, texts and userCode; the browser body may be the app’s own shape', async () => {
    const calls: unknown[][] = [];
    const { post, inputs } = stubHandler({
      authorize: () => 'user-7',
      prepareSession: (body, request, owner) => {
        calls.push([body, request.method, owner]);
        const template = (body as { template?: string }).template;
        if (template !== 'nda') return false;
        return {
          subject: { mode: 'hash', digest: stubDigest, documentName: 'NDA.pdf' },
          description: 'NDA 2026',
          signerRole: 'Director',
          userCode: 'U'.repeat(8),
        };
      },
    });
    // The browser's own digest, description and role are not used: the app's are.
    const res = await post({
      template: 'nda',
      digest: 'x',
      description: 'Pay 1M',
      signerRole: 'CEO',
      lang: 'fr',
    });
    expect(res.status).toBe(201);
    expect(calls).toEqual([
      [
        { template: 'nda', digest: 'x', description: 'Pay 1M', signerRole: 'CEO', lang: 'fr' },
        'POST',
        'user-7',
      ],
    ]);
    expect(inputs[0]).toEqual({
      subject: { mode: 'hash', digest: stubDigest, documentName: 'NDA.pdf' },
      lang: 'FR',
      description: 'NDA 2026',
      signerRole: 'Director',
      userCode: 'UUUUUUUU',
      owner: 'user-7',
      signal: expect.anything(),
    });
    // `false`: refused, nothing started.
    const refused = await post({ template: 'other' });
    expect([refused.status, (await error(refused)).code]).toEqual([403, 'FORBIDDEN']);
    expect(inputs).toHaveLength(1);
  });

  it('prepareSession validating: no subject keeps the browser body (checked, digests still opt-in), texts replaced', async () => {
    const { post, inputs } = stubHandler({
      basePath: '/api',
      prepareSession: () => ({ description: 'Server text' }),
    });
    expect((await post({ digest: stubDigest, description: 'Browser text' })).status).toBe(403);
    const bad = await post({ template: 'nda' });
    expect([bad.status, (await error(bad)).code]).toEqual([400, 'INVALID_REQUEST']);
    const doc = await post({ documentId: 'contract-1' });
    expect((await error(doc)).message).toMatch(/Document mode is not configured/);
    const open = stubHandler({
      allowBrowserDigests: true,
      prepareSession: () => ({ description: 'Server text' }),
    });
    expect((await open.post({ digest: stubDigest, description: 'Browser text' })).status).toBe(201);
    expect(open.inputs[0]).toMatchObject({ description: 'Server text' });
    expect(inputs).toEqual([]);
    expect(STUB_ORIGIN).toMatch(/^https:/);
  });
});
