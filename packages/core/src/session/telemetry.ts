/**
 * What the orchestrator tells the app (logs, metrics): sessions created, transitions, and how long each
 * upstream or document step took. Never carries secrets or digests; a listener's failure never breaks a session.
 */
import { type ErrorCode, isItsmeSignError } from '../errors.js';
import type { SessionEvent } from './state.js';

/** The steps the orchestrator times: the four B2B calls and the document signer's two steps. */
export type OrchestratorStep =
  | 'identification.start'
  | 'identification.status'
  | 'sign.start'
  | 'sign.status'
  | 'certificate.check'
  | 'document.prepare'
  | 'document.finalize';

/** What happened, for logs and metrics. Never carries secrets or digests. */
export type OrchestratorEvent =
  | { type: 'session.created'; sessionId: string }
  | { type: 'session.transition'; sessionId: string; from: string; to: string; event: SessionEvent['type'] }
  | {
      type: 'step.finished';
      sessionId: string;
      step: OrchestratorStep;
      durationMs: number;
      outcome: string;
    }
  | { type: 'step.failed'; sessionId: string; step: OrchestratorStep; code: ErrorCode; durationMs: number }
  /** The app's `onSigned` hook threw or rejected (the session stays signed). */
  | { type: 'onSigned.failed'; sessionId: string; message: string };

export class Telemetry {
  readonly #listener: ((event: OrchestratorEvent) => void) | undefined;

  constructor(listener: ((event: OrchestratorEvent) => void) | undefined) {
    this.#listener = listener;
  }

  emit(event: OrchestratorEvent): void {
    try {
      this.#listener?.(event);
    } catch {
      // a listener's failure never breaks a signing session
    }
  }

  /** Runs `call`, emitting `step.finished` (with the result's `state`, if any) or `step.failed`. */
  async step<T extends object>(
    sessionId: string,
    step: OrchestratorStep,
    call: () => Promise<T>,
  ): Promise<T> {
    const t0 = performance.now();
    try {
      const result = await call();
      this.emit({
        type: 'step.finished',
        sessionId,
        step,
        durationMs: performance.now() - t0,
        outcome: 'state' in result && typeof result.state === 'string' ? result.state : 'ok',
      });
      return result;
    } catch (error) {
      const code = isItsmeSignError(error) ? error.code : 'INTERNAL_ERROR';
      this.emit({ type: 'step.failed', sessionId, step, code, durationMs: performance.now() - t0 });
      throw error;
    }
  }
}
