/**
 * The certificate caches (parses by DER, verified paths) never widen what is accepted: a path verified with
 * one set of anchors does not pass with another that happens to list the same certificates, the public parse
 * hands out fresh objects, and a caller's changes to its own objects do not reach later checks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkChain, parseCertificates } from './index.js';
import { createTestPki, type TestPki } from './test-support/pki.js';

let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki('certificate-cache');
});

describe('certificate caches', () => {
  it('a chain verified against anchors [X, root] does not pass as chain [leaf, X] against [root]', async () => {
    const [mallory, untrustedRoot] = pki.untrusted.chain as [string, string];
    const at = new Date();
    await checkChain(parseCertificates([mallory]), [untrustedRoot, pki.rootPem], at);
    await expect(
      checkChain(parseCertificates([mallory, untrustedRoot]), [pki.rootPem], at),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_UNTRUSTED',
    });
  });

  it('parseCertificates gives fresh objects, and changing them does not change later checks', async () => {
    const [first] = parseCertificates(pki.rsa.chain);
    const [second] = parseCertificates(pki.rsa.chain);
    expect(first).not.toBe(second);
    expect(first!.der).not.toBe(second!.der);
    const leafEnd = second!.x509.notAfter.getTime();
    // A caller moves its own copy's end of validity far away and checks it (its own objects, its own answer).
    const mine = parseCertificates(pki.rsa.chain);
    mine[0]!.x509.notAfter.setFullYear(2100);
    await checkChain(mine, [pki.rootPem], new Date());
    // Later callers with genuine objects still see the real validity.
    await expect(
      checkChain(parseCertificates(pki.rsa.chain), [pki.rootPem], new Date(leafEnd + 86_400_000)),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_INVALID' });
  });
});
