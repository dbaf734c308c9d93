/**
 * The signing half of a session: what the sign start asks itsme® for, and what is checked before a
 * returned signature value is accepted (the document it is for; the value against the certificate in hash
 * mode; the finalized document in document mode).
 */
import type { B2BClient, SigningStatus, StartSigningInput } from '../client/b2b-client.js';
import type { ResolvedProfile } from '../client/discovery.js';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';
import { verifySignatureValue } from '../signature.js';
import type { DocumentMode } from './document-mode.js';
import type { SessionRepository } from './repository.js';
import { docIdOf } from './session-input.js';
import type { ResolvedSettings } from './settings.js';
import type { SessionEvent, SigningSession } from './state.js';
import type { Telemetry } from './telemetry.js';

/** What the sign start works with (the orchestrator's parts). */
export interface SigningDeps {
  client: B2BClient;
  sessions: SessionRepository;
  telemetry: Telemetry;
  documents: DocumentMode;
  settings: ResolvedSettings;
  /** The discovery profile for a language (signature policy, commitment type). */
  profile(lang: string): Promise<ResolvedProfile>;
}

/** identified → signing: builds the digest (document mode) and starts the sign session, exactly once. */
export async function startSigning(
  deps: SigningDeps,
  session: SigningSession & { status: 'identified' },
): Promise<SigningSession | undefined> {
  const { sessions, settings } = deps;
  const subject = session.subject;
  const { digest, prepared } =
    subject.mode === 'hash'
      ? { digest: subject.digest, prepared: undefined }
      : await deps.documents.prepare(
          session,
          new Date(settings.now()),
          settings.useDiscovery ? await deps.profile(session.options.lang) : undefined,
        );
  const docId = docIdOf(subject);
  // A sign start is sent at most once per session: the lease (held for the session's lifetime) stops a second
  // caller or instance; a failed start ends the session instead of being repeated, since it may have reached
  // itsme®. Preparing above is pure, so two callers preparing at once is harmless.
  const leaseMs = Math.max(DEFAULTS.signStartLeaseMs, session.expiresAt - settings.now());
  if (!(await sessions.lease(`sign-start:${session.id}`, leaseMs))) return session;
  const started = await deps.telemetry
    .step(session.id, 'sign.start', () =>
      deps.client.startSigning(signRequest(session, settings, digest, docId)),
    )
    .catch(async (error: unknown) => {
      await sessions.fail(session.id, error);
      throw error;
    });
  try {
    return await sessions.applyIfLive(session.id, {
      type: 'SIGNING_STARTED',
      respID: started.respID,
      signingUrl: started.signingUrl,
      docId,
      digest,
      ...(prepared === undefined ? {} : { prepared }),
    });
  } catch (error) {
    // The sign session exists at itsme® but could not be recorded: it will not be started again (lease),
    // so end this session with the reason rather than leave it waiting until it expires.
    await sessions.fail(session.id, error);
    throw error;
  }
}

/** The sign start for an identified session and the digest (and `docHash[].id`) to sign. */
export const signRequest = (
  session: SigningSession & { status: 'identified' },
  settings: ResolvedSettings,
  digest: string,
  docId: string,
): StartSigningInput => ({
  userCode: session.signer.userCode,
  digest,
  docId,
  lang: session.options.lang,
  redirectUrl: settings.redirectUrl,
  signPolicyRef: settings.signPolicyRef,
  ...(settings.commitmentTypeRef ? { commitmentTypeRef: settings.commitmentTypeRef } : {}),
  ...(session.options.signerRole ? { signerRole: session.options.signerRole } : {}),
  ...(session.options.description ? { description: session.options.description } : {}),
});

/**
 * Checks a signature itsme® returned and gives the `SIGNED` event to record: INVALID_RESPONSE if it is for
 * another document; in hash mode the value must verify against the signer's certificate (unless
 * `verifySignatures` is off); in document mode the signer finalizes (and verifies) the document.
 */
export async function acceptSignature(
  session: SigningSession & { status: 'signing' },
  outcome: SigningStatus & { state: 'signed' },
  documents: DocumentMode,
  verifySignatures: boolean,
): Promise<SessionEvent & { type: 'SIGNED' }> {
  if (outcome.whichDoc !== session.signing.docId) {
    throw new ItsmeSignError('INVALID_RESPONSE', {
      message: 'itsme® returned a signature for another document (whichDoc does not match).',
      field: 'sigObj.whichDoc',
    });
  }
  let resultRef: string | undefined;
  if (session.subject.mode === 'document') {
    resultRef = await documents.finalize(session, outcome.signatureValue);
  } else if (verifySignatures) {
    const digest = Buffer.from(session.signing.digest, 'base64');
    verifySignatureValue({ digest }, outcome.signatureValue, session.signer.certificate);
  }
  return { type: 'SIGNED', signatureValue: outcome.signatureValue, ...(resultRef ? { resultRef } : {}) };
}
