/**
 * What `POST /sessions` starts: the browser's body (one document or a batch), as the app's `prepareSession`
 * hook decides or validates it. The browser may name documents; a digest (hash mode) it chose itself is
 * signed only where the app allows it (`allowBrowserDigests`), since itsme® signs whatever digest it gets.
 */

import type { LocalizedText } from '../client/b2b-types.js';
import { type StartSessionBody, startSessionBodySchema } from '../contract/index.js';
import { ItsmeSignError } from '../errors.js';
import type { StartInput, SubjectInput } from '../session/session-input.js';

/** What the app decides a session signs and shows (`prepareSession`'s answer). */
export interface SessionPlan {
  /**
   * What to sign (a document or digest, or a batch), decided on the server: the browser's choice is then not
   * used at all, and a hash-mode subject is allowed whatever `allowBrowserDigests` says. Left out: the
   * browser's body is used (it must then be a valid start body).
   */
  subject?: SubjectInput;
  /** Default: the browser's `lang`. */
  lang?: string;
  /**
   * Shown in the itsme® app: one text, or one per language (`{ FR: 'Gérant', NL: 'Zaakvoerder' }`). With
   * `subject`: only this one (the browser's is ignored); else it replaces the browser's.
   */
  signerRole?: LocalizedText;
  /** Shown in the itsme® app: one text, or one per language. Like `signerRole`. */
  description?: LocalizedText;
  /** The itsme® user code of a user you know (skips the phone-number step at itsme®). */
  userCode?: string;
}

/**
 * Decides or validates what a session signs: gets the JSON body as the browser sent it (any shape: your own
 * fields too), the request and the `authorize` owner. Return a plan (see `SessionPlan`), `undefined` to start
 * the browser's body as it is, or `false` to refuse with 403 FORBIDDEN (throw an `ItsmeSignError` for
 * another answer).
 */
export type PrepareSession = (
  body: unknown,
  request: Request,
  owner: string | undefined,
) => SessionPlan | undefined | false | Promise<SessionPlan | undefined | false>;

export interface StartBodySettings {
  prepareSession?: PrepareSession | undefined;
  allowBrowserDigests?: boolean | undefined;
  hasDocumentMode: boolean;
}

/** The orchestrator's input for a start body (owner and signal are the handler's to add). */
export async function startInput(
  raw: unknown,
  request: Request,
  owner: string | undefined,
  settings: StartBodySettings,
): Promise<StartInput> {
  const plan = settings.prepareSession ? await settings.prepareSession(raw, request, owner) : undefined;
  if (plan === false) {
    throw new ItsmeSignError('FORBIDDEN', {
      message: 'The app refused to start this session (prepareSession).',
    });
  }
  const extra = {
    ...(plan?.signerRole !== undefined ? { signerRole: plan.signerRole } : {}),
    ...(plan?.description !== undefined ? { description: plan.description } : {}),
    ...(plan?.userCode !== undefined ? { userCode: plan.userCode } : {}),
  };
  if (plan?.subject) {
    const lang = plan.lang ?? browserLang(raw);
    return { subject: plan.subject, ...(lang ? { lang } : {}), ...extra };
  }
  const body = parseStartBody(raw);
  const subject = subjectFromBody(body);
  if (subject.mode === 'hash' && !settings.allowBrowserDigests) {
    throw new ItsmeSignError('FORBIDDEN', {
      message:
        'The browser may not choose the digest to sign (hash mode from the browser is off): decide it on the ' +
        'server (prepareSession returning a subject), or set allowBrowserDigests: true to sign digests browsers send.',
      field: body.digests ? 'digests' : 'digest',
    });
  }
  if (subject.mode === 'document' && !settings.hasDocumentMode) {
    throw new ItsmeSignError('INVALID_REQUEST', {
      message: 'Document mode is not configured on this server.',
      field: 'documentId',
    });
  }
  const lang = plan?.lang ?? body.lang;
  return {
    subject,
    ...(lang ? { lang } : {}),
    ...(body.signerRole ? { signerRole: body.signerRole } : {}),
    ...(body.description ? { description: body.description } : {}),
    ...extra,
  };
}

/** The browser's body checked against the contract; INVALID_REQUEST naming the first bad field. */
export function parseStartBody(raw: unknown): StartSessionBody {
  const parsed = startSessionBodySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw new ItsmeSignError('INVALID_REQUEST', {
    message: `Invalid ${field ?? 'body'}: ${issue?.message ?? 'invalid'}`,
    ...(field ? { field } : {}),
  });
}

const browserLang = (raw: unknown): string | undefined => {
  const lang = typeof raw === 'object' && raw !== null ? (raw as { lang?: unknown }).lang : undefined;
  return typeof lang === 'string' ? lang.toUpperCase() : undefined;
};

/** The subject of a parsed start body (the schema has checked that exactly one form is given). */
export function subjectFromBody(body: StartSessionBody): SubjectInput {
  const names = body.documentNames;
  const named = <K extends string>(key: K, refs: readonly string[]) =>
    refs.map((ref, i) => ({ [key]: ref, ...(names?.[i] ? { name: names[i] } : {}) }) as { [P in K]: string });
  if (body.digests) return { mode: 'hash', digests: named('digest', body.digests) };
  if (body.documentIds) return { mode: 'document', documentIds: named('documentId', body.documentIds) };
  const name = body.documentName ? { documentName: body.documentName } : {};
  return body.digest !== undefined
    ? { mode: 'hash', digest: body.digest, ...name }
    : { mode: 'document', documentId: body.documentId as string, ...name };
}
