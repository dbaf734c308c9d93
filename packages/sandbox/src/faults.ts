/** Fault injection per B2B endpoint (latency, HTTP status, malformed JSON, connection reset, no answer). */
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
      return { kind: f.kind, ...extra };
    default:
      throw new Error('kind must be latency, status, malformed, reset or hang');
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
    if (fault === null) this.faults.delete(endpoint);
    else this.faults.set(endpoint, { ...parseFault(fault) } as Fault);
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
