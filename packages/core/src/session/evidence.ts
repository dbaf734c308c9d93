/**
 * The evidence record of a signature: who signed what, when, under which policy, and the itsme® ids that tie
 * it to itsme®'s own records. Plain JSON, made once per signed session (`onSigned`), to persist as the audit
 * trail: the session itself is deleted `finishedTtlMs` after it ends.
 */
import { X509Certificate } from 'node:crypto';
import type { LocalizedText } from '../client/b2b-types.js';
import { optional } from '../optional.js';
import type { SigningSession } from './state.js';

export interface SignatureRecord {
  type: 'itsme-sign.signature';
  /** The shape of this record. */
  version: 1;
  sessionId: string;
  /** The app's user who started the session (the `authorize` hook's answer), if any. */
  owner?: string;
  mode: 'hash' | 'document';
  lang: string;
  signer: {
    /** The certificate's subject common name. */
    name?: string;
    /** Serial number of the signing certificate (hex, upper case). */
    serialNumber: string;
    subject: string;
    issuer: string;
    userCode: string;
    /** PEM of the signing certificate. */
    certificate: string;
    /** PEM certificates, leaf first. */
    certificateChain: string[];
  };
  documents: {
    /** `docHash[].id` sent to itsme® (and echoed back as `whichDoc`). */
    id: string;
    name?: string;
    /** The SHA-256 (standard base64) itsme® signed: the app's digest, or the signed attributes' (document mode). */
    signedDigest: string;
    /** Raw signature value, standard base64. */
    signatureValue: string;
    /** The signed file (document mode): name, type, size and its SHA-256 (standard base64). */
    signedFile?: { name: string; contentType: string; size: number; sha256: string };
    /** Where the app stored it (`storeSignedDocument`), if it said. */
    resultRef?: string;
  }[];
  policy: {
    signPolicyRef: string;
    commitmentTypeRef?: string;
    signerRole?: LocalizedText;
    description?: LocalizedText;
  };
  itsme: { asyncRespID: string; respID: string };
  /** ISO 8601 instants. */
  times: { created: string; identified?: string; signingStarted?: string; signed: string };
}

/** What the record says of the integration (the orchestrator's settings). */
export interface RecordSettings {
  signPolicyRef: string;
  commitmentTypeRef?: string | undefined;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The record of a signed session; `undefined` for a session that is not signed. */
export function signatureRecord(
  session: SigningSession,
  settings: RecordSettings,
): SignatureRecord | undefined {
  if (session.status !== 'signed') return undefined;
  const cert = new X509Certificate(session.signer.certificate);
  const name = cert.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3);
  const names = new Map(session.subject.documents.map((d) => [d.id, d.name]));
  const digests = new Map(session.signing.documents.map((d) => [d.id, d.digest]));
  return {
    type: 'itsme-sign.signature',
    version: 1,
    sessionId: session.id,
    ...optional('owner', session.owner),
    mode: session.subject.mode,
    lang: session.options.lang,
    signer: {
      ...optional('name', name),
      serialNumber: cert.serialNumber.toUpperCase(),
      subject: cert.subject,
      issuer: cert.issuer,
      userCode: session.signer.userCode,
      certificate: session.signer.certificate,
      certificateChain: session.signer.certificateChain,
    },
    documents: session.signed.documents.map((d) => ({
      id: d.id,
      ...optional('name', names.get(d.id)),
      signedDigest: digests.get(d.id) ?? '',
      signatureValue: d.signatureValue,
      ...optional('signedFile', d.file),
      ...optional('resultRef', d.resultRef),
    })),
    policy: {
      signPolicyRef: settings.signPolicyRef,
      ...optional('commitmentTypeRef', settings.commitmentTypeRef),
      ...optional('signerRole', session.options.signerRole),
      ...optional('description', session.options.description),
    },
    itsme: { asyncRespID: session.identification.asyncRespID, respID: session.signing.respID },
    times: {
      created: iso(session.createdAt) as string,
      ...optional('identified', iso(session.signer.identifiedAt)),
      ...optional('signingStarted', iso(session.signing.startedAt)),
      signed: iso(session.signed.signedAt) as string,
    },
  };
}

/**
 * Hands the record of a session that was just signed to the app's `onSigned` hook; its failure (thrown or
 * rejected) is reported through `report`, never thrown: the session stays signed.
 */
export function notifySigned(
  session: SigningSession,
  hook: ((record: SignatureRecord, session: SigningSession) => void | Promise<void>) | undefined,
  settings: RecordSettings,
  report: (event: { type: 'onSigned.failed'; sessionId: string; message: string }) => void,
): void {
  if (!hook) return;
  const failed = (error: unknown) =>
    report({
      type: 'onSigned.failed',
      sessionId: session.id,
      message: error instanceof Error ? error.message : String(error),
    });
  try {
    const record = signatureRecord(session, settings);
    if (record) Promise.resolve(hook(record, session)).catch(failed);
  } catch (error) {
    failed(error);
  }
}
