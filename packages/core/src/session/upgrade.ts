/**
 * Sessions written by an earlier version (one document per session: `subject.digest`/`documentId`,
 * `signing.docId`/`digest`/`prepared`, `signed.signatureValue`/`resultRef`) read as today's shape, so an
 * upgrade with sessions in flight (memory or Redis) loses none. Applied on every read; the stored copy takes
 * the new shape at its next transition.
 */
import { LIMITS } from '../wire/constants.js';
import type { SigningSession } from './state.js';

interface V1Subject {
  mode: 'hash' | 'document';
  digest?: string;
  documentId?: string;
  documentName?: string;
  documents?: unknown;
}
interface V1Signing {
  docId?: string;
  digest?: string;
  prepared?: unknown;
  documents?: unknown;
}
interface V1Signed {
  signatureValue?: string;
  resultRef?: string;
  documents?: unknown;
  signedAt: number;
}

/** The session in today's shape (the same object when it already is). */
export function upgradeSession(session: SigningSession): SigningSession {
  const subject = session.subject as V1Subject;
  if (Array.isArray(subject.documents)) return session;
  const out = { ...session } as Record<string, unknown>;
  const signing = out.signing as V1Signing | undefined;
  const id = signing?.docId ?? (subject.documentName ?? 'document').slice(0, LIMITS.docId);
  const name = subject.documentName === undefined ? {} : { name: subject.documentName };
  out.subject =
    subject.mode === 'hash'
      ? { mode: 'hash', documents: [{ id, digest: subject.digest, ...name }] }
      : { mode: 'document', documents: [{ id, documentId: subject.documentId, ...name }] };
  if (signing && !Array.isArray(signing.documents)) {
    const { docId: _i, digest, prepared, ...rest } = signing;
    out.signing = { ...rest, documents: [{ id, digest, ...(prepared === undefined ? {} : { prepared }) }] };
  }
  const signed = out.signed as V1Signed | undefined;
  if (signed && !Array.isArray(signed.documents)) {
    const { signatureValue, resultRef, signedAt } = signed;
    out.signed = { signedAt, documents: [{ id, signatureValue, ...(resultRef ? { resultRef } : {}) }] };
  }
  return out as unknown as SigningSession;
}
