/**
 * Fault injection per endpoint (latency, HTTP status, malformed body, connection reset, no answer; for the B2B API
 * also a gateway's HTML or empty error answers, a body cut mid-way and a slow body; for OCSP and CRL also unknown
 * status, stale and untrusted data; for the sign status a success answer with a wrong `sigObj`).
 */
import type { IncomingMessage } from 'node:http';
import {
  B2B_FAULT_ENDPOINTS,
  FAULT_ENDPOINTS,
  type Fault,
  type FaultConfig,
  type FaultEndpoint,
  type RetryAfter,
} from './options.js';

export function isFaultEndpoint(v: unknown): v is FaultEndpoint {
  return typeof v === 'string' && (FAULT_ENDPOINTS as readonly string[]).includes(v);
}

function httpStatus(v: unknown, fallback: number, min = 100): number {
  const status = Number(v ?? fallback);
  if (!Number.isInteger(status) || status < min || status > 599)
    throw new Error(
      min === 100 ? 'status must be an HTTP status' : `status must be an HTTP status from ${min} to 599`,
    );
  return status;
}

function retryAfterOf(f: Record<string, unknown>): RetryAfter {
  const out: RetryAfter = {};
  if (f.retryAfter !== undefined) {
    const seconds = Number(f.retryAfter);
    if (!Number.isInteger(seconds) || seconds < 0)
      throw new Error('retryAfter must be a whole number of seconds >= 0');
    out.retryAfter = seconds;
  }
  if (f.retryAfterFormat !== undefined) {
    if (f.retryAfterFormat !== 'seconds' && f.retryAfterFormat !== 'date')
      throw new Error('retryAfterFormat must be seconds or date');
    if (out.retryAfter === undefined) throw new Error('retryAfterFormat needs retryAfter');
    out.retryAfterFormat = f.retryAfterFormat;
  }
  return out;
}

function nonNegativeMs(v: unknown, kind: string): number {
  const ms = Number(v);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`${kind} needs ms >= 0`);
  return ms;
}

export const FAULT_KINDS = [
  'latency',
  'status',
  'html',
  'empty',
  'truncated',
  'slow',
  'malformed',
  'reset',
  'hang',
  'unexpectedError',
  'unknown',
  'stale',
  'untrusted',
  'sigObjMissing',
  'sigObjRepeated',
  'sigObjUnknown',
] as const satisfies readonly Fault['kind'][];

export function parseFault(v: unknown): Fault | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') throw new Error('a fault must be an object or null');
  const f = v as Record<string, unknown>;
  const times = f.times === undefined ? undefined : Number(f.times);
  if (times !== undefined && (!Number.isInteger(times) || times < 1))
    throw new Error('times must be a positive integer');
  const extra = times === undefined ? {} : { times };
  switch (f.kind) {
    case 'latency':
    case 'slow':
      return { kind: f.kind, ms: nonNegativeMs(f.ms, f.kind), ...extra };
    case 'status':
      return { kind: 'status', status: httpStatus(f.status, 500), ...retryAfterOf(f), ...extra };
    case 'html':
      return { kind: 'html', status: httpStatus(f.status, 503, 400), ...retryAfterOf(f), ...extra };
    case 'empty':
      return { kind: 'empty', status: httpStatus(f.status, 502, 400), ...extra };
    case 'truncated':
    case 'malformed':
    case 'reset':
    case 'hang':
    case 'unexpectedError':
    case 'unknown':
    case 'stale':
    case 'untrusted':
    case 'sigObjMissing':
    case 'sigObjRepeated':
    case 'sigObjUnknown':
      return { kind: f.kind, ...extra };
    default:
      throw new Error(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
}

/** Faults that change the data of one kind of answer (revocation data, the signatures), and where each applies. */
const DATA_FAULTS: Partial<Record<FaultEndpoint, readonly string[]>> = {
  ocsp: ['unknown', 'stale', 'untrusted'],
  crl: ['stale', 'untrusted'],
  signStatus: ['sigObjMissing', 'sigObjRepeated', 'sigObjUnknown'],
  identification: ['unexpectedError'],
};

/** Gateway answers: the B2B API's endpoints only (the OCSP responders and CRLs are not behind that gateway). */
const GATEWAY_FAULTS: readonly string[] = ['html', 'empty', 'truncated', 'slow'];

/** The endpoints a fault kind is limited to (empty for the faults every endpoint knows). */
function endpointsOf(kind: Fault['kind']): FaultEndpoint[] {
  if (GATEWAY_FAULTS.includes(kind)) return [...B2B_FAULT_ENDPOINTS];
  return (Object.keys(DATA_FAULTS) as FaultEndpoint[]).filter((e) => DATA_FAULTS[e]?.includes(kind));
}
export type DataFault = Extract<Fault, { kind: 'unknown' | 'stale' | 'untrusted' }>;
export function isDataFault(f: Fault | undefined): f is DataFault {
  return f?.kind === 'unknown' || f?.kind === 'stale' || f?.kind === 'untrusted';
}

export type SigObjFault = Extract<Fault, { kind: 'sigObjMissing' | 'sigObjRepeated' | 'sigObjUnknown' }>;
export function isSigObjFault(f: Fault | undefined): f is SigObjFault {
  return f?.kind === 'sigObjMissing' || f?.kind === 'sigObjRepeated' || f?.kind === 'sigObjUnknown';
}

export interface SigObjEntry {
  b64Sig: { value: string };
  whichDoc: string;
}

/**
 * A success answer's `sigObj` broken as the fault says: `sigObjMissing` leaves out the first entry,
 * `sigObjRepeated` appends a copy of the first entry (its `whichDoc` twice), `sigObjUnknown` appends a copy of the
 * first entry under a `whichDoc` that names no document of the request.
 */
export function faultySigObj(fault: SigObjFault, sigObj: readonly SigObjEntry[]): SigObjEntry[] {
  const [first, ...rest] = sigObj;
  if (!first) return [];
  switch (fault.kind) {
    case 'sigObjMissing':
      return rest;
    case 'sigObjRepeated':
      return [...sigObj, { ...first }];
    case 'sigObjUnknown': {
      const ids = new Set(sigObj.map((e) => e.whichDoc));
      let whichDoc = 'not-in-request';
      while (ids.has(whichDoc)) whichDoc += '-x';
      return [...sigObj, { ...first, whichDoc }];
    }
  }
}

/**
 * The faults every endpoint applies the same way: `latency` waits (then answers normally: false), `reset` destroys
 * the connection and `hang` never answers (handled: true). Others are the endpoint's to apply (undefined).
 */
export async function applyTransportFault(fault: Fault, req: IncomingMessage): Promise<boolean | undefined> {
  switch (fault.kind) {
    case 'latency':
      await new Promise((r) => setTimeout(r, fault.ms));
      return false;
    case 'reset':
      // A TCP RST where the socket supports it (plain TCP); a TLS socket is destroyed without close_notify.
      try {
        req.socket.resetAndDestroy();
      } catch {
        req.socket.destroy();
      }
      return true;
    case 'hang':
      return true; // never answer; close() ends the connection
    default:
      return undefined;
  }
}

export class FaultTable {
  private readonly faults = new Map<FaultEndpoint, Fault>();

  constructor(initial: FaultConfig = {}) {
    for (const [endpoint, fault] of Object.entries(initial)) {
      if (isFaultEndpoint(endpoint) && fault) this.set(endpoint, fault);
    }
  }

  set(endpoint: FaultEndpoint, fault: Fault | null): void {
    if (!isFaultEndpoint(endpoint)) throw new Error(`unknown endpoint ${String(endpoint)}`);
    const parsed = parseFault(fault);
    if (parsed === null) return void this.faults.delete(endpoint);
    const where = endpointsOf(parsed.kind);
    if (where.length > 0 && !where.includes(endpoint)) {
      throw new Error(`${parsed.kind} applies to ${where.join(', ')} only`);
    }
    if ('retryAfter' in parsed && !(B2B_FAULT_ENDPOINTS as readonly string[]).includes(endpoint)) {
      throw new Error('retryAfter applies to the B2B endpoints only');
    }
    this.faults.set(endpoint, parsed);
  }

  /** The fault to apply to this call (consuming one of its `times`), if any and if `only` accepts it. */
  take(endpoint: FaultEndpoint, only: (f: Fault) => boolean = () => true): Fault | undefined {
    const f = this.faults.get(endpoint);
    if (!f || !only(f)) return undefined;
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.faults.delete(endpoint);
    }
    return f;
  }

  snapshot(): FaultConfig {
    return Object.fromEntries([...this.faults].map(([k, v]) => [k, { ...v }]));
  }
}
