/**
 * The cheap path of validation: plain checks of the common, well-formed messages of `schemas.ts`, written out
 * by hand. Each `wellFormed…` returns exactly what the zod schema's `parse` returns for a value it accepts, or
 * `undefined` when it is not sure — then the schema runs and decides (with its error messages and paths). A
 * check may say "not sure" about a valid value; it never accepts one the schema refuses
 * (`well-formed.test.ts` holds them to that). Change a schema here too, or make its check give up.
 */
import { LANGUAGES, type Language, LIMITS, SHA256_ALGORITHM_URI } from './constants.js';

// ---------------------------------------------------------------------------------------------------------
// Shared with the schemas (one definition of each rule and output)
// ---------------------------------------------------------------------------------------------------------

/** ISO-8859-1 printable characters (no control characters). */
export const LATIN1_PRINTABLE = /^[\u0020-\u007E\u00A0-\u00FF]*$/;
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';

/**
 * Splits a PEM bundle into its certificates (normalised, one per entry): each `BEGIN CERTIFICATE` line up to the
 * next `END CERTIFICATE` line, CRLF as LF, one final newline. Found with `indexOf` (no regular expression: this
 * runs on every identification status).
 */
export function splitPemCertificates(pem: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const begin = pem.indexOf(PEM_BEGIN, from);
    if (begin < 0) return out;
    const end = pem.indexOf(PEM_END, begin + PEM_BEGIN.length + 1);
    if (end < 0) return out;
    from = end + PEM_END.length;
    const certificate = pem.slice(begin, from);
    out.push(`${certificate.includes('\r') ? certificate.replace(/\r\n/g, '\n') : certificate}\n`);
  }
}

/** 1 for the 64 characters of standard base64 (`A–Z a–z 0–9 + /`), indexed by char code. */
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
  BASE64_CHAR[c.charCodeAt(0)] = 1;
const isBase64Char = (code: number): boolean => code < 128 && BASE64_CHAR[code] === 1;

/** `value` is standard padded base64 as `BASE64` reads it (checked char by char: no regular expression). */
function isPaddedBase64(value: string): boolean {
  const n = value.length;
  if (n % 4 !== 0) return false;
  const pad = n > 0 && value.charCodeAt(n - 1) === 61 ? (value.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  for (let i = 0; i < n - pad; i++) if (!isBase64Char(value.charCodeAt(i))) return false;
  return true;
}

/**
 * A signature value in any base64 spelling that decodes (unpadded, line-wrapped, base64url), as standard padded
 * base64; `undefined` when it is not base64. Tolerant in: the value is checked against the certificate anyway.
 */
export function normalizeBase64(value: string): string | undefined {
  // The usual spelling, standard and padded, is its own normal form.
  if (value.length > 0 && isPaddedBase64(value)) return value;
  const compact = value.replace(/\s+/g, '').replace(/=+$/, '');
  if (compact === '' || compact.length % 4 === 1 || !/^[A-Za-z0-9+/_-]+$/.test(compact)) return undefined;
  if (/[+/]/.test(compact) && /[-_]/.test(compact)) return undefined;
  const standard = compact.replace(/-/g, '+').replace(/_/g, '/');
  return standard.padEnd(Math.ceil(standard.length / 4) * 4, '=');
}

/** The user's certificate first, then the rest of the chain (whatever order the service used). */
export function certificateChainOf(certificate: string, chain: string | string[] | undefined): string[] {
  const rest = splitPemCertificates(Array.isArray(chain) ? chain.join('\n') : (chain ?? ''));
  return [certificate, ...rest.filter((c) => c !== certificate)];
}

type Msg = string | { value?: string | undefined } | null | undefined;
interface SignResponseInput {
  result: { maj: string; min?: string | null | undefined; msg?: Msg };
  reqID?: string | null | undefined;
  respID?: string | null | undefined;
  optOutp?: { itsme?: { signingUrl?: string | null; userCode?: string | null } | null } | null;
  sigObj?: { value: string; whichDoc: string }[] | null | undefined;
}

/** The flat view of a DSS answer (`signResponseSchema`'s output). */
export const signResponseOutput = (v: SignResponseInput) => ({
  result: {
    maj: v.result.maj,
    min: v.result.min ?? undefined,
    msg: typeof v.result.msg === 'string' ? v.result.msg : (v.result.msg?.value ?? undefined),
  },
  reqID: v.reqID ?? undefined,
  respID: v.respID ?? undefined,
  signingUrl: v.optOutp?.itsme?.signingUrl ?? undefined,
  userCode: v.optOutp?.itsme?.userCode ?? undefined,
  signatures: v.sigObj ?? [],
});

// ---------------------------------------------------------------------------------------------------------
// Field checks
// ---------------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, min = 0, max = Number.POSITIVE_INFINITY): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const optStr = (o: Obj, k: string, min = 0): boolean => !(k in o) || str(o[k], min);
const nullishStr = (v: unknown): boolean => v == null || typeof v === 'string';
/** Only the listed keys, none of them present as `undefined` (a `.strict()` object the SDK built). */
const onlyKeys = (o: Obj, keys: ReadonlySet<string>): boolean => {
  for (const k in o) if (!keys.has(k) || o[k] === undefined) return false;
  return true;
};

/** `z.url({ protocol: /^https?$/ })` for a URL it keeps as it is: http(s)://, printable ASCII, parseable. */
const HTTP_URL = /^https?:\/\/[\x21-\x7e]+$/;
const httpUrl = (v: unknown): v is string =>
  typeof v === 'string' && (plainHttpUrl(v) || (HTTP_URL.test(v) && URL.canParse(v)));

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c | 32) >= 97 && (c | 32) <= 122;
const isAlnum = (c: number): boolean => isDigit(c) || isLetter(c);

/**
 * The plain shape of an http(s) URL, which the WHATWG parser cannot refuse, told without it (the service's
 * identification and signing URLs, on every call): `http://` or `https://`; a host name whose labels are letters,
 * digits and inner `-`, none with `--` after two characters (`xn--`: punycode, which the parser checks), the last one starting with
 * a letter (so it is no IPv4 number), or a dotted-decimal IPv4 address without leading zeros; an optional port of
 * at most 65535; then nothing, or a path, query or fragment of printable ASCII (the parser refuses none). Anything
 * else is left to `URL.canParse`.
 */
function plainHttpUrl(v: string): boolean {
  const start = v.startsWith('https://') ? 8 : v.startsWith('http://') ? 7 : 0;
  if (start === 0) return false;
  let i = start;
  while (i < v.length && (isAlnum(v.charCodeAt(i)) || v.charCodeAt(i) === 45 || v.charCodeAt(i) === 46)) i++;
  if (!plainHost(v, start, i)) return false;
  if (v.charCodeAt(i) === 58) {
    const port = ++i;
    while (i < v.length && isDigit(v.charCodeAt(i))) i++;
    if (i === port || i - port > 5 || Number(v.slice(port, i)) > 65535) return false;
  }
  if (i < v.length) {
    const c = v.charCodeAt(i);
    if (c !== 47 && c !== 63 && c !== 35) return false;
  }
  for (; i < v.length; i++) if (v.charCodeAt(i) < 0x21 || v.charCodeAt(i) > 0x7e) return false;
  return true;
}

/** `v[from, to)` (letters, digits, `-`, `.`) is a host name or IPv4 address as `plainHttpUrl` takes them. */
function plainHost(v: string, from: number, to: number): boolean {
  let labels = 0;
  let numeric = true;
  let label = from;
  while (label < to) {
    let end = v.indexOf('.', label);
    if (end < 0 || end > to) end = to;
    const first = v.charCodeAt(label);
    if (end === label || !isAlnum(first) || !isAlnum(v.charCodeAt(end - 1))) return false;
    // `xn--` (or any `??--` label): left to the parser.
    if (end - label > 3 && v.charCodeAt(label + 2) === 45 && v.charCodeAt(label + 3) === 45) return false;
    let digits = true;
    for (let k = label; k < end; k++) if (!isDigit(v.charCodeAt(k))) digits = false;
    // An IPv4 octet: 0–255, no leading zero (which the parser would read as octal).
    if (!digits || end - label > 3 || (first === 48 && end - label > 1) || Number(v.slice(label, end)) > 255)
      numeric = false;
    labels++;
    if (end === to) return isLetter(first) || (numeric && labels === 4);
    label = end + 1;
  }
  // Empty, or ending in `.`.
  return false;
}

const language = (v: unknown): Language | undefined => {
  if (typeof v !== 'string') return undefined;
  if ((LANGUAGES as readonly string[]).includes(v)) return v as Language;
  const lang = v.trim().toUpperCase();
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as Language) : undefined;
};

let lastRedirectUrl: string | null = null;
/** `redirectUrlSchema` (one registered URL is usually sent again and again: the last good one is kept). */
const redirectUrl = (v: unknown): v is string => {
  if (typeof v === 'string' && v === lastRedirectUrl) return true;
  if (!str(v, 1, LIMITS.redirectUrl) || !URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol))
    return false;
  lastRedirectUrl = v;
  return true;
};

/**
 * `sha256Base64Schema`: padded standard base64 of 32 bytes is exactly 44 characters, the last one a single `=`
 * (43 base64 characters and `=` match `BASE64` and decode to 32 bytes; `==` would be 31, no `=` 33).
 */
const sha256Base64 = (v: unknown): boolean =>
  typeof v === 'string' &&
  v.length === 44 &&
  v.charCodeAt(43) === 61 &&
  v.charCodeAt(42) !== 61 &&
  isPaddedBase64(v);

const LABEL_KEYS = new Set(['lang', 'value']);
const labels = (v: unknown, max: number): { lang: Language; value: string }[] | undefined => {
  if (!Array.isArray(v) || v.length < 1) return undefined;
  const out: { lang: Language; value: string }[] = [];
  for (const l of v) {
    if (!isObj(l) || !onlyKeys(l, LABEL_KEYS)) return undefined;
    const lang = language(l.lang);
    if (!lang || !str(l.value, 1, max) || !LATIN1_PRINTABLE.test(l.value)) return undefined;
    out.push({ lang, value: l.value });
  }
  return out;
};

const codes = (o: Obj): boolean =>
  str(o.partnerCode, 1, LIMITS.partnerCode) && str(o.serviceCode, 1, LIMITS.serviceCode);

// ---------------------------------------------------------------------------------------------------------
// Requests (`.strict()` objects: the output is the input, languages normalised)
// ---------------------------------------------------------------------------------------------------------

const ID_REQUEST_KEYS = new Set(['userCode', 'partnerCode', 'serviceCode', 'lang', 'redirectUrl']);
export function identificationRequest(v: unknown) {
  if (!isObj(v) || !onlyKeys(v, ID_REQUEST_KEYS) || !codes(v) || !redirectUrl(v.redirectUrl)) return;
  const lang = language(v.lang);
  if (!lang || ('userCode' in v && !str(v.userCode, LIMITS.userCode, LIMITS.userCode))) return;
  return {
    ...(v.userCode === undefined ? {} : { userCode: v.userCode as string }),
    partnerCode: v.partnerCode as string,
    serviceCode: v.serviceCode as string,
    lang,
    redirectUrl: v.redirectUrl,
  };
}

const ID_STATUS_KEYS = new Set(['partnerCode', 'serviceCode', 'asyncRespID']);
export function identificationStatusRequest(v: unknown) {
  if (!isObj(v) || !onlyKeys(v, ID_STATUS_KEYS) || !codes(v)) return;
  if (!str(v.asyncRespID, 1, LIMITS.asyncRespID)) return;
  return {
    partnerCode: v.partnerCode as string,
    serviceCode: v.serviceCode as string,
    asyncRespID: v.asyncRespID,
  };
}

const CODES_KEYS = new Set(['partnerCode', 'serviceCode']);
const SIGN_KEYS = new Set(['inDocs', 'reqID', 'asyncRespID', 'optInp']);
const ITSME_ONLY = new Set(['itsme']);
export function signStatusRequest(v: unknown) {
  if (!isObj(v) || !onlyKeys(v, SIGN_KEYS) || v.inDocs !== null || !str(v.reqID, 1, LIMITS.reqID)) return;
  if (!str(v.asyncRespID, 1, LIMITS.asyncRespID)) return;
  const opt = v.optInp;
  if (!isObj(opt) || !onlyKeys(opt, ITSME_ONLY) || !isObj(opt.itsme)) return;
  if (!onlyKeys(opt.itsme, CODES_KEYS) || !codes(opt.itsme)) return;
  return {
    inDocs: null,
    reqID: v.reqID,
    asyncRespID: v.asyncRespID,
    optInp: {
      itsme: { partnerCode: opt.itsme.partnerCode as string, serviceCode: opt.itsme.serviceCode as string },
    },
  };
}

const DOC_KEYS = new Set(['id', 'di']);
const DI_KEYS = new Set(['alg', 'value']);
const DOC_HASH_ONLY = new Set(['docHash']);
const docHashes = (v: unknown) => {
  if (!isObj(v) || !onlyKeys(v, DOC_HASH_ONLY) || !Array.isArray(v.docHash)) return;
  const docs = v.docHash;
  if (docs.length < 1 || docs.length > LIMITS.batchDocuments) return;
  const ids = new Set<string>();
  const out: { id: string; di: { alg: typeof SHA256_ALGORITHM_URI; value: string }[] }[] = [];
  for (const d of docs) {
    if (!isObj(d) || !onlyKeys(d, DOC_KEYS) || !str(d.id, 1, LIMITS.docId) || ids.has(d.id)) return;
    const di = d.di;
    if (!Array.isArray(di) || di.length !== 1) return;
    const [digest] = di;
    if (!isObj(digest) || !onlyKeys(digest, DI_KEYS) || digest.alg !== SHA256_ALGORITHM_URI) return;
    if (!sha256Base64(digest.value)) return;
    ids.add(d.id);
    out.push({ id: d.id, di: [{ alg: SHA256_ALGORITHM_URI, value: digest.value as string }] });
  }
  return { docHash: out };
};

const START_OPT_KEYS = new Set(['lang', 'itsme']);
const START_ITSME_KEYS = new Set([
  'signer',
  'partnerCode',
  'serviceCode',
  'description',
  'redirectUrl',
  'signPolicy',
]);
const SIGNER_KEYS = new Set(['userCode']);
const POLICY_KEYS = new Set(['signPolicyRef', 'commitmentTypeRef', 'signerRole']);
const signPolicy = (p: unknown) => {
  if (
    !isObj(p) ||
    !onlyKeys(p, POLICY_KEYS) ||
    !str(p.signPolicyRef, 1) ||
    !optStr(p, 'commitmentTypeRef', 1)
  )
    return;
  const signerRole = p.signerRole === undefined ? undefined : labels(p.signerRole, LIMITS.signerRole);
  if (p.signerRole !== undefined && !signerRole) return;
  return {
    signPolicyRef: p.signPolicyRef,
    ...(p.commitmentTypeRef === undefined ? {} : { commitmentTypeRef: p.commitmentTypeRef as string }),
    ...(signerRole ? { signerRole } : {}),
  };
};

export function signStartRequest(v: unknown) {
  if (!isObj(v) || !onlyKeys(v, SIGN_KEYS) || v.asyncRespID !== null || !str(v.reqID, 1, LIMITS.reqID))
    return;
  const inDocs = docHashes(v.inDocs);
  const opt = v.optInp;
  if (!inDocs || !isObj(opt) || !onlyKeys(opt, START_OPT_KEYS)) return;
  const lang = language(opt.lang);
  const it = opt.itsme;
  if (!lang || !isObj(it) || !onlyKeys(it, START_ITSME_KEYS) || !codes(it) || !redirectUrl(it.redirectUrl))
    return;
  const signer = it.signer;
  if (!isObj(signer) || !onlyKeys(signer, SIGNER_KEYS)) return;
  if (!str(signer.userCode, LIMITS.userCode, LIMITS.userCode)) return;
  const description = it.description === undefined ? undefined : labels(it.description, LIMITS.description);
  const policy = signPolicy(it.signPolicy);
  if ((it.description !== undefined && !description) || !policy) return;
  return {
    inDocs,
    reqID: v.reqID,
    asyncRespID: null,
    optInp: {
      lang,
      itsme: {
        signer: { userCode: signer.userCode },
        partnerCode: it.partnerCode as string,
        serviceCode: it.serviceCode as string,
        ...(description ? { description } : {}),
        redirectUrl: it.redirectUrl,
        signPolicy: policy,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Responses (tolerant: unknown fields ignored)
// ---------------------------------------------------------------------------------------------------------

export function identificationResponse(v: unknown) {
  if (!isObj(v) || typeof v.status !== 'string' || !optStr(v, 'statusReason')) return;
  if (!optStr(v, 'asyncRespId', 1) || !optStr(v, 'asyncRespID', 1) || !httpUrl(v.identificationUrl)) return;
  const id = (v.asyncRespID ?? v.asyncRespId) as string | undefined;
  if (!id || !(v.asyncRespId ?? v.asyncRespID)) return;
  return {
    status: v.status,
    statusReason: v.statusReason as string | undefined,
    asyncRespID: id,
    identificationUrl: v.identificationUrl,
  };
}

export function identificationStatusResponse(v: unknown) {
  if (!isObj(v) || typeof v.status !== 'string' || !optStr(v, 'statusReason') || !str(v.userCode, 1)) return;
  if (typeof v.certificate !== 'string') return;
  const chain = v.fullCertificateChain;
  if (!(chain === undefined || typeof chain === 'string' || isStringArray(chain))) return;
  const [certificate] = splitPemCertificates(v.certificate);
  if (!certificate) return;
  return {
    status: v.status,
    statusReason: v.statusReason as string | undefined,
    userCode: v.userCode,
    certificate,
    certificateChain: certificateChainOf(certificate, chain),
  };
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

export function identificationError(v: unknown) {
  if (!isObj(v) || typeof v.status !== 'string' || !optStr(v, 'statusReason')) return;
  return { status: v.status, ...('statusReason' in v ? { statusReason: v.statusReason as string } : {}) };
}

export function signResponse(v: unknown) {
  if (!isObj(v) || !isObj(v.result) || !str(v.result.maj, 1) || !nullishStr(v.result.min)) return;
  const msg = v.result.msg;
  if (!(nullishStr(msg) || (isObj(msg) && optStr(msg, 'lang') && optStr(msg, 'value')))) return;
  if (!nullishStr(v.reqID) || !nullishStr(v.respID)) return;
  const opt = v.optOutp;
  if (opt != null && !(isObj(opt) && (opt.itsme == null || isObj(opt.itsme)))) return;
  const itsme = (opt as { itsme?: Obj | null } | null | undefined)?.itsme;
  if (itsme && !((itsme.signingUrl == null || httpUrl(itsme.signingUrl)) && nullishStr(itsme.userCode)))
    return;
  let sigObj: { value: string; whichDoc: string }[] | null | undefined;
  if (v.sigObj != null) {
    if (!Array.isArray(v.sigObj) || v.sigObj.length > LIMITS.batchDocuments) return;
    sigObj = [];
    for (const s of v.sigObj) {
      if (!isObj(s) || !isObj(s.b64Sig) || typeof s.b64Sig.value !== 'string') return;
      if (!optStr(s, 'whichDoc') || !optStr(s, 'whichdoc')) return;
      const whichDoc = (s.whichDoc ?? s.whichdoc) as string | undefined;
      const value = normalizeBase64(s.b64Sig.value);
      if (!whichDoc || value === undefined || value.length < 4) return;
      sigObj.push({ value, whichDoc });
    }
  }
  return signResponseOutput({
    result: v.result as SignResponseInput['result'],
    reqID: v.reqID as string | null | undefined,
    respID: v.respID as string | null | undefined,
    optOutp: opt as SignResponseInput['optOutp'],
    sigObj,
  });
}
