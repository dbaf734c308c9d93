/**
 * The signing half of a session: what the sign start asks itsme® for, and what is checked before a
 * returned signature value is accepted (the document it is for; the value against the certificate in hash
 * mode; the finalized document in document mode).
 */
import type {
  B2BClient,
  SignatureValue,
  SigningStarted,
  SigningStatus,
  StartSigningInput,
} from '../client/b2b-client.js';
import type { ResolvedProfile } from '../client/discovery.js';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError, isItsmeSignError } from '../errors.js';
import { verifySignatureValue } from '../signature.js';
import type { DocumentMode } from './document-mode.js';
import type { SessionRepository } from './repository.js';
import type { ResolvedSettings } from './settings.js';
import type { SessionEvent, SigningDocument, SigningSession } from './state.js';
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

/** identified → signing: builds the digests (document mode) and starts the sign session, exactly once. */
export async function startSigning(
  deps: SigningDeps,
  session: SigningSession & { status: 'identified' },
): Promise<SigningSession | undefined> {
  const { sessions, settings } = deps;
  const subject = session.subject;
  // The signer's certificate is checked before anything is prepared or sent: a revoked or untrusted signer
  // ends the session here, and the user is never asked to sign.
  if (settings.certificateCheck) {
    const check = settings.certificateCheck;
    await deps.telemetry
      .step(session.id, 'certificate.check', async () => {
        await check(session.signer.certificateChain, new Date(settings.now()));
        return {};
      })
      .catch(async (error: unknown) => {
        await sessions.fail(session.id, error);
        throw error;
      });
  }
  const documents: SigningDocument[] =
    subject.mode === 'hash'
      ? subject.documents.map((d) => ({ id: d.id, digest: d.digest }))
      : await deps.documents.prepare(
          session,
          new Date(settings.now()),
          settings.useDiscovery ? await deps.profile(session.options.lang) : undefined,
        );
  // A sign start is sent at most once per session: the lease (held for the session's lifetime) stops a second
  // caller or instance; a failed start ends the session instead of being repeated, since it may have reached
  // itsme®. Preparing above is pure, so two callers preparing at once is harmless.
  // One lease per version: a sign start itsme® refused unprocessed (429) moves the session to a new version,
  // whose retry is again sent at most once.
  const leaseMs = Math.max(DEFAULTS.signStartLeaseMs, session.expiresAt - settings.now());
  if (!(await sessions.lease(`sign-start:${session.id}:${session.version}`, leaseMs))) return session;
  let started: SigningStarted;
  try {
    started = await deps.telemetry.step(session.id, 'sign.start', () =>
      deps.client.startSigning(signRequest(session, settings, documents)),
    );
  } catch (error) {
    if (
      isRefusedUnprocessed(error) &&
      (session.signStart?.attempts ?? 0) + 1 < settings.maxConsecutiveFailures
    ) {
      const wait = Math.min(error.retryAfterMs ?? DEFAULTS.signStartRetryMs, DEFAULTS.signStartMaxWaitMs);
      return sessions.applyIfLive(session.id, {
        type: 'SIGN_START_DEFERRED',
        retryAt: settings.now() + wait,
      });
    }
    await sessions.fail(session.id, error);
    throw error;
  }
  try {
    return await sessions.applyIfLive(session.id, {
      type: 'SIGNING_STARTED',
      respID: started.respID,
      signingUrl: started.signingUrl,
      documents,
    });
  } catch (error) {
    // The sign session exists at itsme® but could not be recorded: it will not be started again (lease),
    // so end this session with the reason rather than leave it waiting until it expires.
    await sessions.fail(session.id, error);
    throw error;
  }
}

/**
 * A sign start itsme® refused before processing it: a 429 (rate limited) started nothing, so it may be sent
 * again after its `Retry-After`. Anything else may have reached itsme®: never repeated.
 */
const isRefusedUnprocessed = (error: unknown): error is ItsmeSignError =>
  isItsmeSignError(error) && error.code === 'UPSTREAM_UNAVAILABLE' && error.httpStatus === 429;

/** The sign start for an identified session: one `docHash` entry per document. */
export const signRequest = (
  session: SigningSession & { status: 'identified' },
  settings: ResolvedSettings,
  documents: readonly SigningDocument[],
): StartSigningInput => ({
  userCode: session.signer.userCode,
  documents: documents.map((d) => ({ id: d.id, digest: d.digest })),
  lang: session.options.lang,
  redirectUrl: settings.redirectUrl,
  signPolicyRef: settings.signPolicyRef,
  ...(settings.commitmentTypeRef ? { commitmentTypeRef: settings.commitmentTypeRef } : {}),
  ...(session.options.signerRole ? { signerRole: session.options.signerRole } : {}),
  ...(session.options.description ? { description: session.options.description } : {}),
});

/**
 * Each returned signature value by the document it is for (`whichDoc`, never the position). INVALID_RESPONSE,
 * and nothing is accepted, unless there is exactly one value for every document sent: none missing, none
 * repeated, none for a document that was not sent.
 */
export function matchSignatures(
  sent: readonly SigningDocument[],
  returned: readonly SignatureValue[],
): Map<string, string> {
  const wanted = new Set(sent.map((d) => d.id));
  const values = new Map<string, string>();
  const refuse = (message: string): never => {
    throw new ItsmeSignError('INVALID_RESPONSE', { message, field: 'sigObj.whichDoc' });
  };
  for (const { whichDoc, signatureValue } of returned) {
    if (!wanted.has(whichDoc))
      refuse('itsme® returned a signature for a document that was not sent (whichDoc).');
    if (values.has(whichDoc)) refuse('itsme® returned two signatures for one document (whichDoc repeated).');
    values.set(whichDoc, signatureValue);
  }
  if (values.size !== wanted.size) {
    refuse(`itsme® returned ${values.size} signatures for ${wanted.size} documents (whichDoc missing).`);
  }
  return values;
}

/**
 * Checks what itsme® returned and gives the `SIGNED` event to record — all or nothing: every value is matched
 * to its document (`matchSignatures`) and verified against the signer's certificate (always in document mode;
 * in hash mode unless `verifySignatures` is off) before any document is finalized (document mode).
 */
export async function acceptSignature(
  session: SigningSession & { status: 'signing' },
  outcome: SigningStatus & { state: 'signed' },
  documents: DocumentMode,
  verifySignatures: boolean,
): Promise<SessionEvent & { type: 'SIGNED' }> {
  const values = matchSignatures(session.signing.documents, outcome.signatures);
  if (verifySignatures || session.subject.mode === 'document') {
    for (const doc of session.signing.documents) {
      const digest = Buffer.from(doc.digest, 'base64');
      verifySignatureValue({ digest }, values.get(doc.id) as string, session.signer.certificate);
    }
  }
  if (session.subject.mode === 'document') {
    return { type: 'SIGNED', documents: await documents.finalize(session, values) };
  }
  return {
    type: 'SIGNED',
    documents: session.signing.documents.map((d) => ({
      id: d.id,
      signatureValue: values.get(d.id) as string,
    })),
  };
}
