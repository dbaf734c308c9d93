/**
 * The demo's audit trail: every signature's evidence record (core's `onSigned`) appended to a JSON-lines file,
 * as an app would persist it, and the latest ones kept in memory for the result page.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SignatureRecord } from '@itsme-sign/core';

const KEPT = 200;

export class EvidenceLog {
  readonly file: string;
  readonly #recent = new Map<string, SignatureRecord>();

  constructor(
    file = process.env.ITSME_DEMO_EVIDENCE_FILE ?? join(tmpdir(), 'itsme-sign-demo', 'evidence.jsonl'),
  ) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
  }

  add(record: SignatureRecord): void {
    appendFileSync(this.file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    this.#recent.set(record.sessionId, record);
    if (this.#recent.size > KEPT) this.#recent.delete(this.#recent.keys().next().value as string);
  }

  /** The record of a session, by its id (an unguessable capability, as the session cookie is). */
  get(sessionId: string): SignatureRecord | undefined {
    return this.#recent.get(sessionId);
  }
}
