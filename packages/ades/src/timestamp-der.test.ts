import 'reflect-metadata';
/**
 * Timestamp tokens are embedded in DER order: a TSA that lists its chain in any order gets its certificates
 * sorted (EU DSS hashes DER re-encodings of attribute values for the ats-hash-index-v3), and the token still
 * verifies with `openssl ts -verify`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opensslTsVerify } from '@itsme-sign/test-support/pdf-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificates } from './certificates.js';
import { parseSignedData } from './cms-raw.js';
import { createTestPki, OUTPUT_DIR, type TestPki } from './test-support/pki.js';
import { startTestTsa, type TestTsa } from './test-support/tsa.js';
import { requestTimestamp } from './timestamp.js';

const DIR = join(OUTPUT_DIR, 'timestamp-der');
let pki: TestPki;
let tsa: TestTsa;
beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('timestamp-der');
  tsa = await startTestTsa(pki.tsa);
});
afterAll(() => tsa?.close());

describe('timestamp tokens in DER order', () => {
  it('the certificates of a token are sorted by their encodings and the token still verifies', async () => {
    const data = Buffer.from('the signature value');
    const { token } = await requestTimestamp(data, { url: tsa.url, trustAnchors: [pki.rootPem] });
    const certs = parseSignedData(token).certs.map((c) => Buffer.from(c));
    expect(certs).toHaveLength(2);
    expect(certs).toEqual([...certs].sort(Buffer.compare));
    // The TSA sent them leaf first, which is not DER order here: the sort did something.
    const sent = parseCertificates(pki.tsa.chain).map((c) => Buffer.from(c.der));
    expect(sent).not.toEqual(certs);
    expect(new Set(sent.map((c) => c.toString('hex')))).toEqual(new Set(certs.map((c) => c.toString('hex'))));
    const tokenFile = join(DIR, 'token.der');
    const dataFile = join(DIR, 'data.bin');
    writeFileSync(tokenFile, token);
    writeFileSync(dataFile, data);
    const r = opensslTsVerify(tokenFile, { data: dataFile }, pki.rootFile);
    expect(r.stdout + r.stderr).toContain('Verification: OK');
  });
});
