/** Turns a session (server state) into the `SessionView` a browser sees. */
import { createHash, X509Certificate } from 'node:crypto';
import { ROUTES } from '../contract/constants.js';
import type {
  BatchSignatureResult,
  NextAction,
  SessionView,
  SignatureResult,
  SigningStep,
} from '../contract/index.js';
import { ItsmeSignError } from '../errors.js';
import { optional } from '../optional.js';
import type { SignedSession, SigningSession } from '../session/state.js';

/** Signer names by certificate: views are built on every poll, certificates are parsed once. */
const names = new Map<string, string | undefined>();
const MAX_NAMES = 1_000;

function signerName(certificate: string): string | undefined {
  if (names.has(certificate)) return names.get(certificate);
  let name: string | undefined;
  try {
    name = new X509Certificate(certificate).subject
      .split('\n')
      .find((l) => l.startsWith('CN='))
      ?.slice(3);
  } catch {
    name = undefined;
  }
  if (names.size >= MAX_NAMES) names.delete(names.keys().next().value as string);
  names.set(certificate, name);
  return name;
}

/** Where a browser downloads results (`ROUTES.result` and `ROUTES.resultArchive` under the mount path). */
export interface ResultUrls {
  result: string;
  archive: string;
  /** The way to itsme®'s signing page (`ROUTES.go`). */
  go: string;
}

/** The result URLs of a handler mounted at `basePath`. */
export const resultUrls = (basePath: string): ResultUrls => ({
  result: `${basePath}${ROUTES.result}`,
  archive: `${basePath}${ROUTES.resultArchive}`,
  go: `${basePath}${ROUTES.go}?target=signing`,
});

/** The URL of one document's result. */
export const documentResultUrl = (urls: ResultUrls, docId: string): string =>
  `${urls.result}?document=${encodeURIComponent(docId)}`;

export function toSessionView(session: SigningSession, urls: ResultUrls): SessionView {
  const batch = session.subject.documents.length > 1;
  const resultUrl = batch && session.subject.mode === 'document' ? urls.archive : urls.result;
  let step: SigningStep;
  let next: NextAction;
  switch (session.status) {
    case 'created':
      step = 'identify';
      next = { action: 'wait' };
      break;
    case 'identifying':
      step = session.identification.returned ? 'certificate' : 'identify';
      next = session.identification.returned
        ? { action: 'wait' }
        : { action: 'redirect', url: session.identification.identificationUrl, target: 'identification' };
      break;
    case 'identified':
      step = 'certificate';
      next = { action: 'wait' };
      break;
    case 'signing':
      step = 'confirm';
      next = session.signing.returned
        ? { action: 'wait' }
        : {
            action: 'redirect',
            url: session.signing.signingUrl,
            target: 'signing',
            // One via per sign session, so a browser tells this signing page from an earlier one.
            via: `${urls.go}&s=${createHash('sha256').update(session.signing.respID).digest('base64url').slice(0, 12)}`,
          };
      break;
    case 'signed':
      step = 'signed';
      next = { action: 'done', resultUrl };
      break;
    default:
      step = session.failure.step === 'signing' ? 'confirm' : session.signer ? 'certificate' : 'identify';
      next = { action: 'restart' };
  }
  const signer =
    'signer' in session && session.signer
      ? { userCode: session.signer.userCode, ...optional('name', signerName(session.signer.certificate)) }
      : undefined;
  return {
    id: session.id,
    status: session.status,
    step,
    version: session.version,
    lang: session.options.lang,
    mode: session.subject.mode,
    ...optional('documentName', session.subject.documents[0]?.name),
    documents: session.subject.documents.map((d) => ({
      id: d.id,
      ...optional('name', d.name),
      ...(session.status === 'signed' ? { resultUrl: documentResultUrl(urls, d.id) } : {}),
    })),
    next,
    ...('failure' in session
      ? {
          error: {
            code: session.failure.code,
            message: session.failure.message,
            ...optional('reason', session.failure.reason),
          },
        }
      : {}),
    ...(signer ? { signer } : {}),
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

/**
 * What a signed hash-mode session hands back for one document (`docId`, default: the only one): the value,
 * the digest it signs and the signer's certificates; NOT_FOUND for an id the session does not have.
 */
export function toSignatureResult(session: SignedSession, docId?: string): SignatureResult {
  const [signed] = signaturesOf(session).filter((s) => docId === undefined || s.id === docId);
  if (!signed || (docId === undefined && session.signed.documents.length > 1)) {
    throw new ItsmeSignError(docId === undefined ? 'INVALID_REQUEST' : 'NOT_FOUND', {
      message: docId === undefined ? 'Name a document of this batch.' : 'This session has no such document.',
      field: 'document',
    });
  }
  return {
    signatureValue: signed.signatureValue,
    digest: signed.digest,
    certificate: session.signer.certificate,
    certificateChain: session.signer.certificateChain,
  };
}

/** Every signature of a signed hash-mode session (a batch), in order. */
export const toBatchSignatureResult = (session: SignedSession): BatchSignatureResult => ({
  signatures: signaturesOf(session),
  certificate: session.signer.certificate,
  certificateChain: session.signer.certificateChain,
});

function signaturesOf(session: SignedSession): BatchSignatureResult['signatures'] {
  return session.signed.documents.map((d) => {
    const name = session.subject.documents.find((s) => s.id === d.id)?.name;
    const digest = session.signing.documents.find((s) => s.id === d.id)?.digest ?? '';
    return { id: d.id, ...optional('name', name), signatureValue: d.signatureValue, digest };
  });
}
