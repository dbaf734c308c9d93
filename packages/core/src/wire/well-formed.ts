/**
 * The cheap path of validation: plain checks of the common, well-formed messages of `schemas.ts`, written out
 * by hand. Each `wellFormed…` returns exactly what the zod schema's `parse` returns for a value it accepts, or
 * `undefined` when it is not sure — then the schema runs and decides (with its error messages and paths). A
 * check may say "not sure" about a valid value; it never accepts one the schema refuses
 * (`well-formed.test.ts` holds them to that). Change a schema here too, or make its check give up. The
 * requests the SDK sends are built and checked from the caller's input in `client/requests.ts`.
 */
import { LIMITS } from './constants.js';

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

let lastRedirectUrl: string | null = null;
/** `redirectUrlSchema` (one registered URL is usually sent again and again: the last good one is kept). */
export const isRedirectUrl = (v: unknown): v is string => {
  if (typeof v === 'string' && v === lastRedirectUrl) return true;
  if (!str(v, 1, LIMITS.redirectUrl) || !URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol))
    return false;
  lastRedirectUrl = v;
  return true;
};

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
