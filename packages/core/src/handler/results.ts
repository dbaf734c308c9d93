/**
 * The result routes of a signed session: `GET /session/result[?document=<id>]` (one signed document, or the
 * hash-mode signatures as JSON) and `GET /session/result.zip` (every signed document of a document-mode
 * session in one zip archive, streamed one document at a time with fflate). Every download serves the
 * bytes kept when the session was signed (see `DocumentMode.finalize`).
 */
import { Zip, ZipPassThrough } from 'fflate';
import type { BatchSignatureResult, SignatureResult } from '../contract/index.js';
import { ItsmeSignError } from '../errors.js';
import type { SignedDocument } from '../session/document-signer.js';
import type { SigningOrchestrator } from '../session/orchestrator.js';
import type { SignedSession, SigningSession } from '../session/state.js';
import { toBatchSignatureResult, toSignatureResult } from './view.js';

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** A session that is signed; NOT_SIGNED_YET otherwise. */
function signed(session: SigningSession): SignedSession {
  if (session.status !== 'signed') throw new ItsmeSignError('NOT_SIGNED_YET');
  return session;
}

/**
 * The result of a signed session (NOT_SIGNED_YET before): hash mode, the signature of `docId` (default: the
 * only one) or every signature of a batch; document mode, the signed document `docId` (default: the only one).
 */
export async function signedResult(
  orchestrator: SigningOrchestrator,
  session: SigningSession,
  docId?: string,
): Promise<SignatureResult | BatchSignatureResult | SignedDocument> {
  const done = signed(session);
  if (done.subject.mode === 'document') return orchestrator.signedDocument(done, docId);
  const batch = docId === undefined && done.signed.documents.length > 1;
  return batch ? toBatchSignatureResult(done) : toSignatureResult(done, docId);
}

const isDocument = (r: SignatureResult | BatchSignatureResult | SignedDocument): r is SignedDocument =>
  'bytes' in r;

/** `GET /session/result`: one signed document, or the hash-mode signature(s) as JSON. */
export async function resultResponse<T>(
  orchestrator: SigningOrchestrator,
  session: SigningSession,
  docId: string | undefined,
  json: (body: unknown) => T,
): Promise<T | Response> {
  const result = await signedResult(orchestrator, session, docId);
  if (!isDocument(result)) return json(result);
  const doc = result;
  return new Response(doc.bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      'content-type': doc.contentType,
      'content-length': String(doc.bytes.byteLength),
      'content-disposition': attachment(doc.name),
      ...NO_STORE,
    },
  });
}

/** `GET /session/result.zip`: every signed document of a document-mode session, streamed as one archive. */
export function archiveResponse(orchestrator: SigningOrchestrator, session: SigningSession): Response {
  const done = signed(session);
  if (done.subject.mode !== 'document') {
    throw new ItsmeSignError('INVALID_REQUEST', {
      message: 'A hash-mode session has no documents to archive: GET the result for its signatures.',
    });
  }
  const ids = done.signed.documents.map((d) => d.id);
  const names = new Set<string>();
  let next = 0;
  let zip: Zip | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      zip = new Zip((error, chunk, final) => {
        if (error) return controller.error(error);
        controller.enqueue(chunk);
        if (final) controller.close();
      });
    },
    // One document per pull: the archive is never held whole in memory.
    async pull() {
      const id = ids[next++];
      if (id === undefined) return zip?.end();
      const doc: SignedDocument = await orchestrator.signedDocument(done, id);
      const entry = new ZipPassThrough(uniqueName(doc.name, names));
      zip?.add(entry);
      entry.push(doc.bytes, true);
    },
    cancel() {
      zip?.terminate();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'application/zip',
      'content-disposition': attachment('signed-documents.zip'),
      ...NO_STORE,
    },
  });
}

/** A file name safe inside an archive (no directories, no control characters), unique among `taken`. */
function uniqueName(name: string, taken: Set<string>): string {
  const safe =
    [...name]
      .map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 || c === '\x7f' ? '_' : c))
      .join('')
      .replace(/^\.+/, '_') || 'document';
  let candidate = safe;
  for (let n = 2; taken.has(candidate); n++) {
    const dot = safe.lastIndexOf('.');
    candidate = dot > 0 ? `${safe.slice(0, dot)} (${n})${safe.slice(dot)}` : `${safe} (${n})`;
  }
  taken.add(candidate);
  return candidate;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name. */
function attachment(name: string): string {
  const filename = name.replace(/["\\\r\n]/g, '_');
  return `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
