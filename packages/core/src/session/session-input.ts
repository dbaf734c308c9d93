/**
 * What a caller may ask for when starting a session, checked once against the protocol's limits (`LIMITS`)
 * before anything is stored or sent to itsme®.
 */
import { normalizeDigest } from '../digest.js';
import { ItsmeSignError } from '../errors.js';
import { type Language, LIMITS } from '../wire/constants.js';
import { languageSchema, latin1TextSchema } from '../wire/schemas.js';
import type { SessionOptions, SigningSubject } from './state.js';

export interface StartInput {
  subject: SigningSubject;
  lang?: string;
  signerRole?: string;
  description?: string;
  userCode?: string;
  /** The app's user this session belongs to. */
  owner?: string;
  signal?: AbortSignal;
}

/** The session's options from the caller's input; INVALID_REQUEST naming the first bad field. */
export function sessionOptions(input: StartInput, defaultLang: Language): SessionOptions {
  const field = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (cause) {
      throw new ItsmeSignError('INVALID_REQUEST', { message: `Invalid ${name}.`, field: name, cause });
    }
  };
  const lang = field('lang', () => languageSchema.parse(input.lang ?? defaultLang));
  const text = (name: 'signerRole' | 'description', v: string | undefined) =>
    v === undefined ? undefined : field(name, () => latin1TextSchema(LIMITS[name]).parse(v));
  const signerRole = text('signerRole', input.signerRole);
  const description = text('description', input.description);
  if (input.userCode !== undefined && input.userCode.length !== LIMITS.userCode) {
    throw new ItsmeSignError('INVALID_REQUEST', {
      message: `userCode must be ${LIMITS.userCode} characters.`,
      field: 'userCode',
    });
  }
  return {
    lang,
    ...(signerRole ? { signerRole } : {}),
    ...(description ? { description } : {}),
    ...(input.userCode ? { userCode: input.userCode } : {}),
  };
}

/** The subject as stored: a hash-mode digest normalized to standard base64 (INVALID_DIGEST otherwise). */
export const normalizeSubject = (subject: SigningSubject): SigningSubject =>
  subject.mode === 'hash' ? { ...subject, digest: normalizeDigest(subject.digest) } : subject;

/** The `docHash[].id` sent to itsme® (and echoed back as `whichDoc`). */
export const docIdOf = (subject: SigningSubject): string =>
  (subject.documentName ?? 'document').slice(0, LIMITS.docId);
