/**
 * What a caller may ask for when starting a session, checked once against the protocol's limits (`LIMITS`)
 * before anything is stored or sent to itsme®.
 */
import type { LocalizedText } from '../client/b2b-types.js';
import { normalizeDigest } from '../digest.js';
import { ItsmeSignError } from '../errors.js';
import { type Language, LIMITS } from '../wire/constants.js';
import { languageSchema, latin1TextSchema } from '../wire/schemas.js';
import type { SessionParameters, SigningSubject } from './state.js';

export interface StartInput {
  subject: SubjectInput;
  lang?: string;
  /** Shown in the itsme® app: one text for every language, or one per language (`{ FR: 'Gérant', NL: 'Zaakvoerder' }`). */
  signerRole?: LocalizedText;
  /** Shown in the itsme® app: one text, or one per language. */
  description?: LocalizedText;
  userCode?: string;
  /** The app's user this session belongs to. */
  owner?: string;
  signal?: AbortSignal;
}

/** The session's options from the caller's input; INVALID_REQUEST naming the first bad field. */
export function sessionOptions(input: StartInput, defaultLang: Language): SessionParameters {
  const field = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (cause) {
      throw new ItsmeSignError('INVALID_REQUEST', { message: `Invalid ${name}.`, field: name, cause });
    }
  };
  const lang = field('lang', () => languageSchema.parse(input.lang ?? defaultLang));
  const text = (
    name: 'signerRole' | 'description',
    v: LocalizedText | undefined,
  ): LocalizedText | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'string') return field(name, () => latin1TextSchema(LIMITS[name]).parse(v));
    const entries = Object.entries(v ?? {}).filter(([, t]) => t !== undefined);
    if (entries.length === 0) return field(name, () => latin1TextSchema(LIMITS[name]).parse(''));
    return Object.fromEntries(
      entries.map(([l, t]) => [
        field(`${name}.${l}`, () => languageSchema.parse(l)),
        field(`${name}.${l}`, () => latin1TextSchema(LIMITS[name]).parse(t)),
      ]),
    );
  };
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

/** A text in the session's language: its own, else English, else the first given. */
export function textIn(text: LocalizedText | undefined, lang: Language): string | undefined {
  if (text === undefined || typeof text === 'string') return text;
  return text[lang] ?? text.EN ?? Object.values(text).find((t) => t !== undefined);
}

/** One document of a batch, by digest (hash mode) or by the app's reference (document mode). */
export type HashInput = string | { digest: string; name?: string };
export type DocumentInput = string | { documentId: string; name?: string };

/** What a caller asks to sign: one document (as before batch signing) or several with one approval. */
export type SubjectInput =
  | { mode: 'hash'; digest: string; documentName?: string }
  | { mode: 'hash'; digests: readonly HashInput[] }
  | { mode: 'document'; documentId: string; documentName?: string }
  | { mode: 'document'; documentIds: readonly DocumentInput[] }
  | SigningSubject;

/**
 * The subject as stored: one entry per document with a unique `docHash` id, hash-mode digests normalized to
 * standard base64 (INVALID_DIGEST otherwise). More documents than `maxDocuments` (what the contract allows)
 * are refused here, before any call: BATCH_NOT_ALLOWED when the contract allows one, else BATCH_TOO_LARGE.
 */
export function normalizeSubject(input: SubjectInput, maxDocuments: number): SigningSubject {
  const items = subjectItems(input);
  checkCount(items.length, maxDocuments);
  const ids = documentIds(items.map((i) => i.name));
  if (input.mode === 'hash') {
    return {
      mode: 'hash',
      documents: items.map((item, i) => ({
        id: ids[i] as string,
        digest: normalizeDigest(item.ref),
        ...(item.name ? { name: item.name } : {}),
      })),
    };
  }
  return {
    mode: 'document',
    documents: items.map((item, i) => ({
      id: ids[i] as string,
      documentId: item.ref,
      ...(item.name ? { name: item.name } : {}),
    })),
  };
}

interface Item {
  ref: string;
  name: string | undefined;
}

function subjectItems(input: SubjectInput): Item[] {
  const one = (ref: unknown, name: unknown): Item => {
    if (typeof ref !== 'string' || ref.length === 0) {
      throw new ItsmeSignError(input.mode === 'hash' ? 'INVALID_DIGEST' : 'INVALID_REQUEST', {
        message: `Each document needs a ${input.mode === 'hash' ? 'digest' : 'documentId'}.`,
        field: input.mode === 'hash' ? 'digests' : 'documentIds',
      });
    }
    return { ref, name: typeof name === 'string' && name ? name : undefined };
  };
  const list = (docs: readonly unknown[], key: 'digest' | 'documentId'): Item[] => {
    if (docs.length > LIMITS.batchDocuments) checkCount(docs.length, LIMITS.batchDocuments);
    return docs.map((d) => {
      const entry = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
      return typeof d === 'string' ? one(d, undefined) : one(entry[key], entry.name);
    });
  };
  if ('documents' in input) {
    return list(input.documents, input.mode === 'hash' ? 'digest' : 'documentId');
  }
  if (input.mode === 'hash') {
    return 'digests' in input ? list(input.digests, 'digest') : [one(input.digest, input.documentName)];
  }
  return 'documentIds' in input
    ? list(input.documentIds, 'documentId')
    : [one(input.documentId, input.documentName)];
}

function checkCount(count: number, maxDocuments: number): void {
  if (count === 0) {
    throw new ItsmeSignError('INVALID_REQUEST', {
      message: 'Give at least one document.',
      field: 'documents',
    });
  }
  if (count <= maxDocuments) return;
  throw maxDocuments === 1
    ? new ItsmeSignError('BATCH_NOT_ALLOWED', {
        message: `${count} documents were given, but this integration's itsme® contract allows one per signature (maxDocuments: 1). Batch signing (up to ${LIMITS.batchDocuments}) is a contract option: ask itsme®, then set maxDocuments.`,
        field: 'documents',
      })
    : new ItsmeSignError('BATCH_TOO_LARGE', {
        message: `${count} documents were given; ${maxDocuments === LIMITS.batchDocuments ? 'itsme® signs' : "this integration's itsme® contract allows"} at most ${maxDocuments} with one approval.`,
        field: 'documents',
      });
}

/**
 * Unique `docHash[].id`s (echoed back as `whichDoc`): the document's name (≤ `LIMITS.docId`), or `document`;
 * names that repeat (or are missing in a batch) are numbered by position.
 */
export function documentIds(names: readonly (string | undefined)[]): string[] {
  const base = names.map((n) => (n ?? 'document').slice(0, LIMITS.docId));
  if (new Set(base).size === base.length) return base;
  return base.map((b, i) => `${i + 1}-${b}`.slice(0, LIMITS.docId));
}
