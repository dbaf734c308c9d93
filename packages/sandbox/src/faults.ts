/**
 * Fault injection per endpoint (latency, HTTP status, malformed body, connection reset, no answer; for OCSP and CRL
 * also unknown status, stale and untrusted data).
 */
import type { IncomingMessage } from 'node:http';
import { FAULT_ENDPOINTS, type Fault, type FaultConfig, type FaultEndpoint } from './options.js';

export function isFaultEndpoint(v: unknown): v is FaultEndpoint {
  return typeof v === 'string' && (FAULT_ENDPOINTS as readonly string[]).includes(v);
}

export function parseFault(v: unknown): Fault | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') throw new Error('a fault must be an object or null');
  const f = v as Record<string, unknown>;
  const times = f.times === undefined ? undefined : Number(f.times);
  if (times !== undefined && (!Number.isInteger(times) || times < 1))
    throw new Error('times must be a positive integer');
  const extra = times === undefined ? {} : { times };
  switch (f.kind) {
    case 'latency': {
      const ms = Number(f.ms);
      if (!Number.isFinite(ms) || ms < 0) throw new Error('latency needs ms >= 0');
      return { kind: 'latency', ms, ...extra };
    }
    case 'status': {
      const status = Number(f.status ?? 500);
      if (!Number.isInteger(status) || status < 100 || status > 599)
        throw new Error('status must be an HTTP status');
      return { kind: 'status', status, ...extra };
    }
    case 'malformed':
    case 'reset':
    case 'hang':
    case 'unknown':
    case 'stale':
    case 'untrusted':
      return { kind: f.kind, ...extra };
    default:
      throw new Error('kind must be latency, status, malformed, reset, hang, unknown, stale or untrusted');
  }
}

/** Faults that change the revocation data itself, and where each applies. */
const DATA_FAULTS: Partial<Record<FaultEndpoint, readonly string[]>> = {
  ocsp: ['unknown', 'stale', 'untrusted'],
  crl: ['stale', 'untrusted'],
};
export type DataFault = Extract<Fault, { kind: 'unknown' | 'stale' | 'untrusted' }>;
export function isDataFault(f: Fault | undefined): f is DataFault {
  return f?.kind === 'unknown' || f?.kind === 'stale' || f?.kind === 'untrusted';
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
    const allowed = DATA_FAULTS[endpoint];
    if (isDataFault(parsed) && !allowed?.includes(parsed.kind)) {
      throw new Error(
        `${parsed.kind} applies to ${Object.keys(DATA_FAULTS).join(' and ')} only (unknown: ocsp only)`,
      );
    }
    this.faults.set(endpoint, parsed);
  }

  /** The fault to apply to this call (consuming one of its `times`), if any. */
  take(endpoint: FaultEndpoint): Fault | undefined {
    const f = this.faults.get(endpoint);
    if (!f) return undefined;
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
