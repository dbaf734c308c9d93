/** Turns a session (server state) into the `SessionView` a browser sees. */
import { X509Certificate } from 'node:crypto';
import type { NextAction, SessionView, SignatureResult, SigningStep } from '../contract/index.js';
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

export function toSessionView(session: SigningSession, resultUrl: string): SessionView {
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
        : { action: 'redirect', url: session.signing.signingUrl, target: 'signing' };
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
    ...optional('documentName', session.subject.documentName),
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

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** What a signed hash-mode session hands back: the value, the digest it signs and the signer's certificates. */
export const toSignatureResult = (session: SignedSession): SignatureResult => ({
  signatureValue: session.signed.signatureValue,
  digest: session.signing.digest,
  certificate: session.signer.certificate,
  certificateChain: session.signer.certificateChain,
});
