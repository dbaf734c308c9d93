/** `POST /sign_document` (start when `asyncRespID` is null/absent, status otherwise) and `POST /verify_document`. */
import {
  LANGUAGES,
  LIMITS,
  languageSchema,
  ResultMajor,
  redirectUrlSchema,
  SHA256_ALGORITHM_URI,
  sha256Base64Schema,
} from '@itsme-sign/core';
import { faultySigObj, isSigObjFault, type SigObjEntry, type SigObjFault } from '../faults.js';
import type { RegisteredPartner } from '../partners.js';
import type { LocalizedText, SignDocument, SignSession } from '../sessions.js';
import type { Simulator } from '../simulator.js';
import { type B2BContext, type B2BReply, isObject, nonEmptyString, resolveRequestor } from './common.js';
import type { Discovery } from './discovery.js';

const LATIN1 = /^[\u0020-\u007E\u00A0-\u00FF]*$/;

function reqIdOf(body: unknown): string | undefined {
  return isObject(body) && typeof body.reqID === 'string' ? body.reqID : undefined;
}

function error(status: number, maj: string, min: string | undefined, msg: string, reqID?: string): B2BReply {
  return {
    status,
    body: {
      result: { maj, ...(min ? { min } : {}), msg: { lang: 'EN', value: msg } },
      ...(reqID === undefined ? {} : { reqID }),
    },
  };
}

const requester = (min: string, msg: string, reqID?: string): B2BReply =>
  error(400, ResultMajor.RequesterError, min, msg, reqID);

const badLabelLanguage = (field: string, reqID: string): B2BReply =>
  requester(
    'INVALID_LANGUAGE',
    `${field}: one label per language, languages ${LANGUAGES.join(', ')} only.`,
    reqID,
  );

/**
 * The localized labels (`description`, `signerRole`), or why they are refused: `language` for a language other than
 * EN/FR/NL/DE or one given twice (compared case-insensitively, PROTOCOL-NOTES §12), `text` for a malformed entry or a
 * value too long or outside ISO-8859-1.
 */
function labels(v: unknown, max: number): LocalizedText[] | 'language' | 'text' {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return 'text';
  const out: LocalizedText[] = [];
  for (const item of v) {
    if (!isObject(item) || typeof item.lang !== 'string' || typeof item.value !== 'string') return 'text';
    const lang = item.lang.toUpperCase();
    if (!(LANGUAGES as readonly string[]).includes(lang) || out.some((l) => l.lang === lang))
      return 'language';
    if (item.value.length > max || !LATIN1.test(item.value)) return 'text';
    out.push({ lang, value: item.value });
  }
  return out;
}

/**
 * One signature per document, in the REVERSE of the request's order (a batch of 2+ never comes back in the
 * request's order, so a client matching by position fails; the documentation says to match by `whichDoc`).
 */
function sigObjOf(s: SignSession, fault: SigObjFault | undefined): SigObjEntry[] {
  const sigObj = s.documents
    .map((d) => ({ b64Sig: { value: d.signatureB64 as string }, whichDoc: d.id }))
    .reverse();
  return fault ? faultySigObj(fault, sigObj) : sigObj;
}

function pendingOrDone(sim: Simulator, s: SignSession, reqID: string, fault?: SigObjFault): B2BReply {
  const optOutp = { itsme: { signingUrl: sim.signingUrl(s), userCode: s.userCode } };
  switch (s.state) {
    case 'waiting-page':
    case 'waiting-app':
      return { status: 200, body: { result: { maj: ResultMajor.Pending }, reqID, respID: s.id, optOutp } };
    case 'signed':
      return {
        status: 200,
        body: {
          result: { maj: ResultMajor.Success },
          reqID,
          respID: s.id,
          optOutp,
          sigObj: sigObjOf(s, fault),
        },
      };
    case 'rejected':
      return error(409, ResultMajor.RequesterError, 'REJECTED', 'The user rejected the signature.', reqID);
    case 'expired':
      return error(409, ResultMajor.RequesterError, 'EXPIRED', 'The user did not confirm in time.', reqID);
  }
}

export function signDocument(sim: Simulator, discovery: Discovery, body: unknown, ctx: B2BContext): B2BReply {
  if (!isObject(body)) return requester('INCOMPLETE_REQUEST', 'A JSON body is required.');
  const reqID = reqIdOf(body);
  if (nonEmptyString(body.asyncRespID)) return signStatus(sim, body, ctx);
  if (body.inDocs === null) {
    return requester('MISSING_ASYNC_RESP_ID', 'A status request (inDocs: null) needs asyncRespID.', reqID);
  }
  return signStart(sim, discovery, body, ctx);
}

/** The endpoint name a `sign_document` body is counted and faulted under. */
export function signEndpointOf(body: unknown): 'sign' | 'signStatus' {
  return isObject(body) && nonEmptyString(body.asyncRespID) ? 'signStatus' : 'sign';
}

/**
 * The `inDocs.docHash` entries, each checked as itsme® checks the single one (id, exactly one SHA-256 digest info of
 * 32 bytes in base64), within the partner's batch-signing limit and with unique ids; or the error answer.
 */
function signDocuments(
  inDocs: unknown,
  partner: RegisteredPartner,
  reqID: string,
): SignDocument[] | B2BReply {
  const docHash = isObject(inDocs) ? inDocs.docHash : undefined;
  if (!Array.isArray(docHash) || docHash.length === 0)
    return requester('NO_HASH_PROVIDED', 'No hash.', reqID);
  if (docHash.length > partner.maxHashes) {
    return partner.maxHashes === 1
      ? requester(
          'ONLY_SINGLE_HASH_SUPPORTED',
          'Your contract only allows 1 hash per request: contact itsme® to discuss enabling batch signing.',
          reqID,
        )
      : requester(
          'BATCH_TOO_LARGE',
          `The limit is currently ${partner.maxHashes} hashes in one request.`,
          reqID,
        );
  }
  const documents: SignDocument[] = [];
  const ids = new Set<string>();
  for (const [i, doc] of docHash.entries()) {
    if (!isObject(doc) || !nonEmptyString(doc.id))
      return requester('INCOMPLETE_REQUEST', `docHash[${i}].id is required.`, reqID);
    if (ids.has(doc.id)) {
      return requester(
        'INCOMPLETE_REQUEST',
        `docHash[${i}].id repeats an earlier id: ids must be unique.`,
        reqID,
      );
    }
    ids.add(doc.id);
    if (!Array.isArray(doc.di) || doc.di.length === 0)
      return requester('NO_DIGEST_INFO_PROVIDED', `No digest info in docHash[${i}].`, reqID);
    if (doc.di.length > 1) {
      return requester(
        'ONLY_SINGLE_DIGEST_INFO_SUPPORTED',
        `One digest info per hash (docHash[${i}]).`,
        reqID,
      );
    }
    const di = doc.di[0];
    if (!isObject(di) || di.alg !== SHA256_ALGORITHM_URI || !sha256Base64Schema.safeParse(di.value).success) {
      return requester(
        'INVALID_DIGEST_INFO',
        `Only ${SHA256_ALGORITHM_URI} digests of 32 bytes in base64 (docHash[${i}]).`,
        reqID,
      );
    }
    documents.push({ id: doc.id, digest: Buffer.from(di.value as string, 'base64') });
  }
  return documents;
}

function itsmeContext(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const optInp = body.optInp;
  return isObject(optInp) && isObject(optInp.itsme) ? optInp.itsme : undefined;
}

function signStart(
  sim: Simulator,
  discovery: Discovery,
  body: Record<string, unknown>,
  ctx: B2BContext,
): B2BReply {
  const reqID = reqIdOf(body);
  const incomplete = (msg: string) => requester('INCOMPLETE_REQUEST', msg, reqID);
  if (!nonEmptyString(reqID)) return incomplete('reqID is required.');
  const itsme = itsmeContext(body);
  if (!itsme) return incomplete('optInp.itsme is required.');
  const { partnerCode, serviceCode } = itsme;
  if (!nonEmptyString(partnerCode))
    return requester('MISSING_PARTNER_CODE', 'partnerCode is required.', reqID);
  if (!nonEmptyString(serviceCode))
    return requester('MISSING_SERVICE_CODE', 'serviceCode is required.', reqID);
  const partner = resolveRequestor(sim, partnerCode, serviceCode, ctx);
  if (!partner) return requester('INVALID_REQUESTOR', 'Unknown partner or service.', reqID);

  const optInp = body.optInp as Record<string, unknown>;
  let lang = 'EN';
  if (optInp.lang !== undefined && optInp.lang !== null) {
    const parsed = languageSchema.safeParse(optInp.lang);
    if (!parsed.success) return requester('INVALID_LANGUAGE', 'Unsupported language.', reqID);
    lang = parsed.data;
  }

  const documents = signDocuments(body.inDocs, partner, reqID);
  if (!Array.isArray(documents)) return documents;

  const signer = itsme.signer;
  const userCode = isObject(signer) ? signer.userCode : undefined;
  if (!nonEmptyString(userCode)) return incomplete('signer.userCode is required.');
  if (userCode.length !== LIMITS.userCode)
    return incomplete(`signer.userCode must be ${LIMITS.userCode} characters.`);
  const user = sim.users.byUserCode(userCode);
  if (!user) return requester('NOT_ALLOWED_TO_SIGN', 'Unknown user.', reqID);

  const redirectUrl = itsme.redirectUrl;
  if (!redirectUrlSchema.safeParse(redirectUrl).success)
    return incomplete('redirectUrl is missing or invalid.');
  if (!partner.redirectUrls.has(redirectUrl as string)) {
    return requester('INVALID_REQUESTOR', 'redirectUrl is not registered for this service.', reqID);
  }

  const policy = itsme.signPolicy;
  if (!isObject(policy) || !nonEmptyString(policy.signPolicyRef))
    return incomplete('signPolicy is required.');
  const template = discovery.sign_policy_templates_supported.find((p) => p.ref === policy.signPolicyRef);
  if (!template) return requester('INVALID_POLICY', 'Unknown signature policy.', reqID);
  if (template.status !== 'ENABLED')
    return requester('INVALID_POLICY_STATUS', 'Signature policy disabled.', reqID);
  const commitment = policy.commitmentTypeRef;
  if (commitment !== undefined && commitment !== null) {
    if (!discovery.commitment_types_supported.some((c) => c.ref === commitment)) {
      return requester('INVALID_POLICY', 'Unknown commitment type.', reqID);
    }
  }
  const signerRole = labels(policy.signerRole, LIMITS.signerRole);
  if (signerRole === 'language') return badLabelLanguage('signerRole', reqID);
  if (signerRole === 'text') {
    return incomplete(`signerRole: at most ${LIMITS.signerRole} ISO-8859-1 characters per language.`);
  }
  const description = labels(itsme.description, LIMITS.serviceDescription);
  if (description === 'language') return badLabelLanguage('description', reqID);
  if (description === 'text') {
    return incomplete(
      `description: at most ${LIMITS.serviceDescription} ISO-8859-1 characters per language.`,
    );
  }

  const s = sim.startSign({
    reqID,
    partnerCode,
    serviceCode,
    redirectUrl: redirectUrl as string,
    lang,
    user,
    documents,
    description,
    signerRole,
    signPolicyRef: template.ref,
    ...(typeof commitment === 'string' ? { commitmentTypeRef: commitment } : {}),
  });
  return pendingOrDone(sim, s, reqID);
}

function signStatus(sim: Simulator, body: Record<string, unknown>, ctx: B2BContext): B2BReply {
  const reqID = reqIdOf(body);
  // The swagger requires reqID (and echoes it); the guide: inDocs "MUST be 'null'" in a status request.
  if (!nonEmptyString(reqID)) return requester('INCOMPLETE_REQUEST', 'reqID is required.');
  if (body.inDocs !== null) {
    return requester('INCOMPLETE_REQUEST', 'A status request (asyncRespID set) needs inDocs: null.', reqID);
  }
  const itsme = itsmeContext(body);
  if (!itsme) return requester('INCOMPLETE_REQUEST', 'optInp.itsme is required.', reqID);
  const { partnerCode, serviceCode } = itsme;
  if (!nonEmptyString(partnerCode))
    return requester('MISSING_PARTNER_CODE', 'partnerCode is required.', reqID);
  if (!nonEmptyString(serviceCode))
    return requester('MISSING_SERVICE_CODE', 'serviceCode is required.', reqID);
  if (!resolveRequestor(sim, partnerCode, serviceCode, ctx)) {
    return requester('INVALID_REQUESTOR', 'Unknown partner or service.', reqID);
  }
  const s = sim.sessions.get(body.asyncRespID as string);
  if (s?.kind !== 'sign' || s.partnerCode !== partnerCode) {
    return error(409, ResultMajor.RequesterError, undefined, 'Unknown sign session (asyncRespID).', reqID);
  }
  s.statusCalls++;
  // A sigObj fault waits for a success answer (it is not used up by Pending or error answers).
  const fault = s.state === 'signed' ? sim.faults.take('signStatus', isSigObjFault) : undefined;
  return pendingOrDone(sim, s, reqID, fault as SigObjFault | undefined);
}

/**
 * `POST /verify_document`, minimal and honest: the sandbox cannot validate AdES documents, but it can tell whether a
 * raw signature value (`sigObject.b64Sig.value`) is one it produced for the given digest (`inDocs.docHash[0]`).
 */
export function verifyDocument(sim: Simulator, body: unknown): B2BReply {
  const reqID = reqIdOf(body);
  if (!isObject(body)) return requester('INCOMPLETE_REQUEST', 'A JSON body is required.');
  const sig =
    isObject(body.sigObject) && isObject(body.sigObject.b64Sig) ? body.sigObject.b64Sig.value : undefined;
  const docHash =
    isObject(body.inDocs) && Array.isArray(body.inDocs.docHash) ? body.inDocs.docHash[0] : undefined;
  const di = isObject(docHash) && Array.isArray(docHash.di) ? docHash.di[0] : undefined;
  const digest = isObject(di) && typeof di.value === 'string' ? di.value : undefined;
  if (typeof sig !== 'string' || digest === undefined) {
    return requester(
      'INCOMPLETE_REQUEST',
      'The sandbox only checks a raw signature value (sigObject) against the digest it signed (inDocs).',
      reqID,
    );
  }
  const match = sim.sessions
    .all()
    .some(
      (s) =>
        s.kind === 'sign' &&
        s.documents.some((d) => d.signatureB64 === sig && d.digest.toString('base64') === digest),
    );
  return match
    ? {
        status: 200,
        body: { result: { maj: ResultMajor.Success, min: 'VALID' }, ...(reqID ? { reqID } : {}) },
      }
    : error(
        200,
        ResultMajor.RequesterError,
        'INVALID',
        'Not a signature this sandbox produced for this digest.',
        reqID,
      );
}
