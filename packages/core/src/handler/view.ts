/** Turns a session (server state) into the `SessionView` a browser sees. */
import { X509Certificate } from 'node:crypto';
import type { NextAction, SessionView, SigningStep } from '../contract/index.js';
import type { SigningSession } from '../session/state.js';

function signerName(certificate: string): string | undefined {
  try {
    const cn = new X509Certificate(certificate).subject.split('\n').find((l) => l.startsWith('CN='));
    return cn?.slice(3);
  } catch {
    return undefined;
  }
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
