/** Well-formed B2B request bodies for tests (the swagger shapes), to be broken one field at a time. */
import { createHash } from 'node:crypto';
import { GENERIC_QUALIFIED_POLICY, SHA256_ALGORITHM_URI } from '@itsme-sign/core';

export const REDIRECT_URL = 'https://app.example/itsme/callback';

export function identificationBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN', redirectUrl: REDIRECT_URL, lang: 'FR', ...over };
}

export function digestOf(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}

export function signStartBody(userCode: string, digest: string, over: Record<string, unknown> = {}) {
  return {
    inDocs: { docHash: [{ id: 'contract.pdf', di: [{ alg: SHA256_ALGORITHM_URI, value: digest }] }] },
    reqID: 'req-1',
    asyncRespID: null,
    optInp: {
      lang: 'FR',
      itsme: {
        signer: { userCode },
        partnerCode: 'DEMO',
        serviceCode: 'DEMO_SIGN',
        description: [
          { lang: 'EN', value: 'Car insurance contract' },
          { lang: 'FR', value: "Contrat d'assurance voiture" },
        ],
        redirectUrl: REDIRECT_URL,
        signPolicy: {
          signPolicyRef: GENERIC_QUALIFIED_POLICY,
          commitmentTypeRef: '1.2.840.113549.1.9.16.6.5',
          signerRole: [{ lang: 'EN', value: 'General Manager' }],
        },
      },
    },
    ...over,
  };
}

export interface TestDocument {
  id: string;
  /** Standard base64 SHA-256. */
  digest: string;
}

/** `n` documents `doc-1.pdf` … with the digests of distinct data (`data[i]` is what document i's digest is of). */
export function testDocuments(n: number, tag = 'batch'): { docs: TestDocument[]; data: Buffer[] } {
  const data = Array.from({ length: n }, (_, i) => Buffer.from(`${tag}: document ${i + 1}`));
  return { docs: data.map((d, i) => ({ id: `doc-${i + 1}.pdf`, digest: digestOf(d) })), data };
}

/** A sign start request with one `docHash` entry per document (batch signing). */
export function batchStartBody(userCode: string, docs: readonly TestDocument[]) {
  const docHash = docs.map((d) => ({ id: d.id, di: [{ alg: SHA256_ALGORITHM_URI, value: d.digest }] }));
  return withPath(signStartBody(userCode, docs[0]?.digest ?? ''), ['inDocs', 'docHash'], docHash);
}

export function signStatusBody(respID: string, over: Record<string, unknown> = {}) {
  return {
    inDocs: null,
    reqID: 'req-2',
    asyncRespID: respID,
    optInp: { itsme: { partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN' } },
    ...over,
  };
}

/** Deep clone with one path changed (`undefined` deletes it). */
export function withPath<T>(obj: T, path: (string | number)[], value: unknown): T {
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy as T;
}
