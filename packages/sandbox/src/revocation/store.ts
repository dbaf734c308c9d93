/**
 * Revoked certificates, per CA, persisted in `<dataDir>/pki/revocations.json` (a revocation survives restarts, as at
 * a real CA, and every sandbox process sharing the data directory sees it: the file is re-read when it changed).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../pki/fs.js';
import type { CaId } from '../pki/revocation-urls.js';
import { normalizeSerial } from '../pki/users.js';

/** RFC 5280 CRLReason names (value 7 is not used). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export function isRevocationReason(v: unknown): v is RevocationReason {
  return typeof v === 'string' && Object.hasOwn(REVOCATION_REASONS, v);
}

export interface Revocation {
  /** The CA that issued the certificate. */
  ca: CaId;
  /** Serial number, lowercase hex without leading zeros. */
  serial: string;
  reason: RevocationReason;
  /** ISO 8601, whole seconds. */
  time: string;
}

export class RevocationStore {
  private readonly file: string;
  private entries: Revocation[] = [];
  private mtimeMs = -1;

  constructor(pkiDir: string) {
    this.file = join(pkiDir, 'revocations.json');
  }

  private async refresh(): Promise<void> {
    const mtimeMs = existsSync(this.file) ? statSync(this.file).mtimeMs : 0;
    if (mtimeMs === this.mtimeMs) return;
    this.mtimeMs = mtimeMs;
    try {
      this.entries = mtimeMs ? (JSON.parse(await readFile(this.file, 'utf8')) as Revocation[]) : [];
    } catch {
      this.entries = []; // unreadable: as if none (a half-written file cannot happen: writes are atomic)
    }
  }

  async list(ca?: CaId): Promise<Revocation[]> {
    await this.refresh();
    return this.entries.filter((r) => ca === undefined || r.ca === ca).map((r) => ({ ...r }));
  }

  async find(ca: CaId, serial: string): Promise<Revocation | undefined> {
    const s = normalizeSerial(serial);
    return (await this.list(ca)).find((r) => r.serial === s);
  }

  /** Records a revocation; a certificate already revoked keeps its first record (as at a CA) unless it was on hold. */
  async revoke(ca: CaId, serial: string, reason: RevocationReason, time: Date): Promise<Revocation> {
    await this.refresh();
    const s = normalizeSerial(serial);
    const existing = this.entries.find((r) => r.ca === ca && r.serial === s);
    if (existing && existing.reason !== 'certificateHold') return { ...existing };
    const entry: Revocation = { ca, serial: s, reason, time: wholeSeconds(time).toISOString() };
    this.entries = [...this.entries.filter((r) => r !== existing), entry];
    await writeFileAtomic(this.file, JSON.stringify(this.entries, null, 1));
    this.mtimeMs = statSync(this.file).mtimeMs;
    return { ...entry };
  }
}

export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
