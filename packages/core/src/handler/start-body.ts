/** What `POST /sessions` asks to sign, as the orchestrator takes it (one document or a batch). */
import type { StartSessionBody } from '../contract/index.js';
import type { SubjectInput } from '../session/session-input.js';

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

/** `true` when the body asks for document mode. */
export const isDocumentBody = (body: StartSessionBody): boolean =>
  body.documentId !== undefined || body.documentIds !== undefined;
