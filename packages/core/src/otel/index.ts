/**
 * `@itsme-sign/core/otel`: OpenTelemetry spans and metrics from the orchestrator's `onEvent`, through
 * `@opentelemetry/api` only (an optional peer dependency; the app brings its SDK and exporters).
 *
 * Spans: one `itsme_sign.session` span per session seen created by this process (created → final status),
 * and one span per step (`itsme_sign.identification.start`, …), recorded with explicit start and end times
 * from the event's `durationMs`: a child of the session span when it is open here, else of the active
 * context (e.g. the HTTP request's span).
 *
 * Attributes carry no secret, digest or personal data: step names, outcomes (`pending`, `signed`, …), error
 * codes (`INVALID_POLICY`, …), session statuses and events. The session id is a bearer value (its cookie
 * opens the session): it is never recorded as such, only as a truncated SHA-256 (`itsme_sign.session.id_hash`,
 * 16 hex digits, the same value as `sessionIdHash(id)` for logs), or not at all (`sessionId: 'omit'`).
 * The `onSigned.failed` event's message (written by the app, may name the signer) is never recorded.
 */
import { createHash } from 'node:crypto';
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Histogram,
  type Meter,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
  type UpDownCounter,
} from '@opentelemetry/api';
import { isFinalStatus, type SessionStatus } from '../contract/constants.js';
import type { OrchestratorEvent, OrchestratorStep } from '../session/telemetry.js';

export type { OrchestratorEvent, OrchestratorStep } from '../session/telemetry.js';

export const INSTRUMENTATION_NAME = '@itsme-sign/core';

/** The four calls to itsme®'s B2B API (span kind CLIENT); the other steps are local (INTERNAL). */
export const B2B_STEPS: readonly OrchestratorStep[] = [
  'identification.start',
  'identification.status',
  'sign.start',
  'sign.status',
];

/** Attribute keys (all values low-cardinality, none personal). */
export const ATTR = {
  sessionIdHash: 'itsme_sign.session.id_hash',
  sessionStatus: 'itsme_sign.session.status',
  step: 'itsme_sign.step',
  b2b: 'itsme_sign.b2b',
  outcome: 'itsme_sign.outcome',
  errorCode: 'itsme_sign.error.code',
  /** OpenTelemetry's semantic convention for a failure's class: here the `ItsmeSignError` code. */
  errorType: 'error.type',
  from: 'itsme_sign.transition.from',
  to: 'itsme_sign.transition.to',
  event: 'itsme_sign.transition.event',
} as const;

/** Metric names. Durations are in seconds (OpenTelemetry's convention). */
export const METRICS = {
  stepDuration: 'itsme_sign.step.duration',
  stepCalls: 'itsme_sign.step.calls',
  sessionsCreated: 'itsme_sign.sessions.created',
  sessionsActive: 'itsme_sign.sessions.active',
  sessionsEnded: 'itsme_sign.sessions.ended',
  sessionDuration: 'itsme_sign.session.duration',
  transitions: 'itsme_sign.session.transitions',
  onSignedFailures: 'itsme_sign.on_signed.failures',
} as const;

export interface OpenTelemetryOptions {
  /** Default: `trace.getTracer('@itsme-sign/core')` (the global provider the app's SDK registered). */
  tracer?: Tracer;
  /** Default: `metrics.getMeter('@itsme-sign/core')`. */
  meter?: Meter;
  /** `hash` (default): a truncated SHA-256 of the session id on every span; `omit`: none. */
  sessionId?: 'hash' | 'omit';
  /**
   * A session span still open after this long (the session ended on another instance, or was never read
   * again after its deadline) is ended with status `unfinished`. Default 1 hour.
   */
  maxSessionSpanMs?: number;
  /** At most this many session spans open at once (the oldest is ended first). Default 10 000. */
  maxOpenSessions?: number;
  /** Another listener to call with every event (e.g. structured logs): `onEvent` takes one. */
  next?: (event: OrchestratorEvent) => void;
  /** Clock (ms since the epoch), for tests. */
  now?: () => number;
}

/** What `openTelemetry()` returns: the `onEvent` listener, plus `close()` to end the open session spans. */
export interface OpenTelemetryListener {
  (event: OrchestratorEvent): void;
  /** Ends every open session span (status `unfinished`), e.g. on shutdown before the SDK flushes. */
  close(): void;
  /** Session spans open in this process (for tests and health pages). */
  readonly openSessions: number;
}

/** The session id as spans (and logs, if you like) show it: 16 hex digits of its SHA-256. */
export function sessionIdHash(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex').slice(0, 16);
}

/** Outcomes are the upstream `state` (`pending`, `signed`, …) or `ok`: anything else shows as `other`. */
const safeOutcome = (outcome: string): string => (/^[a-z][a-z_]{0,31}$/.test(outcome) ? outcome : 'other');
const safeStatus = (status: string): string => (/^[a-z][a-z_]{0,31}$/.test(status) ? status : 'other');
const safeEvent = (event: string): string => (/^[A-Z][A-Z_]{0,39}$/.test(event) ? event : 'OTHER');

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SESSION_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600];

interface OpenSession {
  span: Span;
  ctx: Context;
  startedAt: number;
  /** The code of the last failed step, shown on the session span when it fails. */
  lastError?: string;
}

/**
 * An `onEvent` listener that records spans and metrics:
 *
 * ```ts
 * import { openTelemetry } from '@itsme-sign/core/otel';
 * const itsme = createItsmeSign({ …, onEvent: openTelemetry() });
 * ```
 *
 * Never throws (a failing instrument is ignored, like any `onEvent` listener's failure).
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryListener {
  const tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_NAME);
  const meter = options.meter ?? metrics.getMeter(INSTRUMENTATION_NAME);
  const now = options.now ?? Date.now;
  const maxAge = options.maxSessionSpanMs ?? 3_600_000;
  const maxOpen = options.maxOpenSessions ?? 10_000;
  const idAttrs = (sessionId: string): Attributes =>
    options.sessionId === 'omit' ? {} : { [ATTR.sessionIdHash]: sessionIdHash(sessionId) };

  const counter = (name: string, description: string, unit: string): Counter =>
    meter.createCounter(name, { description, unit });
  const seconds = (name: string, description: string, buckets: number[]): Histogram =>
    meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: buckets } });

  const stepDuration = seconds(
    METRICS.stepDuration,
    'Duration of an orchestrator step (B2B call, certificate check, document step).',
    SECONDS_BUCKETS,
  );
  const stepCalls = counter(
    METRICS.stepCalls,
    'Orchestrator steps run, by step and outcome (or error.type).',
    '{call}',
  );
  const sessionsCreated = counter(METRICS.sessionsCreated, 'Signing sessions created.', '{session}');
  const sessionsActive: UpDownCounter = meter.createUpDownCounter(METRICS.sessionsActive, {
    description:
      'Signing sessions not yet ended, by status (each transition counted by the instance that applied it).',
    unit: '{session}',
  });
  const sessionsEnded = counter(
    METRICS.sessionsEnded,
    'Signing sessions ended, by final status.',
    '{session}',
  );
  const sessionDuration = seconds(
    METRICS.sessionDuration,
    'From creation to the final status (sessions created and ended in this process).',
    SESSION_BUCKETS,
  );
  const transitions = counter(
    METRICS.transitions,
    'Session transitions, by from, to and event.',
    '{transition}',
  );
  const onSignedFailures = counter(
    METRICS.onSignedFailures,
    "The app's onSigned hook threw or rejected (the session stays signed).",
    '{failure}',
  );

  const open = new Map<string, OpenSession>();

  const endSession = (id: string, status: string, at: number) => {
    const s = open.get(id);
    if (!s) return;
    open.delete(id);
    s.span.setAttribute(ATTR.sessionStatus, status);
    if (status === 'failed' || status === 'expired') {
      s.span.setStatus({ code: SpanStatusCode.ERROR, message: s.lastError ?? status });
      if (s.lastError) s.span.setAttribute(ATTR.errorType, s.lastError);
    } else if (status === 'signed') {
      s.span.setStatus({ code: SpanStatusCode.OK });
    }
    s.span.end(at);
    if (status !== 'unfinished')
      sessionDuration.record((at - s.startedAt) / 1000, { [ATTR.sessionStatus]: status });
  };

  /** Ends session spans past `maxAge`, and the oldest beyond `maxOpen` (insertion order is age order). */
  const sweep = (at: number) => {
    for (const [id, s] of open) {
      if (open.size <= maxOpen && at - s.startedAt < maxAge) break;
      endSession(id, 'unfinished', at);
    }
  };

  const stepSpan = (
    sessionId: string,
    step: OrchestratorStep,
    durationMs: number,
    end: number,
    result: { outcome: string } | { code: string },
  ) => {
    const session = open.get(sessionId);
    const attributes: Attributes = {
      ...idAttrs(sessionId),
      [ATTR.step]: step,
      [ATTR.b2b]: B2B_STEPS.includes(step),
      ...('outcome' in result
        ? { [ATTR.outcome]: safeOutcome(result.outcome) }
        : { [ATTR.outcome]: 'error', [ATTR.errorCode]: result.code, [ATTR.errorType]: result.code }),
    };
    const span = tracer.startSpan(
      `itsme_sign.${step}`,
      {
        kind: B2B_STEPS.includes(step) ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: end - Math.max(0, durationMs),
        attributes,
      },
      session?.ctx ?? context.active(),
    );
    if ('code' in result) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
      if (session) session.lastError = result.code;
    }
    span.end(end);
    const metricAttrs: Attributes = {
      [ATTR.step]: step,
      [ATTR.outcome]: attributes[ATTR.outcome],
      ...('code' in result ? { [ATTR.errorType]: result.code } : {}),
    };
    stepDuration.record(Math.max(0, durationMs) / 1000, metricAttrs);
    stepCalls.add(1, metricAttrs);
  };

  const handle = (event: OrchestratorEvent) => {
    const at = now();
    switch (event.type) {
      case 'session.created': {
        sweep(at);
        const span = tracer.startSpan(
          'itsme_sign.session',
          { kind: SpanKind.INTERNAL, startTime: at, attributes: idAttrs(event.sessionId) },
          context.active(),
        );
        open.set(event.sessionId, {
          span,
          ctx: trace.setSpan(context.active(), span),
          startedAt: at,
        });
        sessionsCreated.add(1);
        sessionsActive.add(1, { [ATTR.sessionStatus]: 'created' });
        break;
      }
      case 'session.transition': {
        const from = safeStatus(event.from);
        const to = safeStatus(event.to);
        const kind = safeEvent(event.event);
        transitions.add(1, { [ATTR.from]: from, [ATTR.to]: to, [ATTR.event]: kind });
        if (!isFinalStatus(event.from as SessionStatus))
          sessionsActive.add(-1, { [ATTR.sessionStatus]: from });
        const final = isFinalStatus(event.to as SessionStatus);
        if (final) sessionsEnded.add(1, { [ATTR.sessionStatus]: to });
        else sessionsActive.add(1, { [ATTR.sessionStatus]: to });
        const s = open.get(event.sessionId);
        s?.span.addEvent(
          'itsme_sign.transition',
          { [ATTR.from]: from, [ATTR.to]: to, [ATTR.event]: kind },
          at,
        );
        if (final) endSession(event.sessionId, to, at);
        break;
      }
      case 'step.finished':
        stepSpan(event.sessionId, event.step, event.durationMs, at, { outcome: event.outcome });
        break;
      case 'step.failed':
        stepSpan(event.sessionId, event.step, event.durationMs, at, { code: event.code });
        break;
      case 'onSigned.failed':
        // The message is the app's (it may name the signer): only counted, never recorded.
        onSignedFailures.add(1);
        open.get(event.sessionId)?.span.addEvent('itsme_sign.on_signed.failed', {}, at);
        break;
    }
  };

  const listener = ((event: OrchestratorEvent) => {
    try {
      handle(event);
    } catch {
      // instrumentation never breaks a signing session
    }
    options.next?.(event);
  }) as OpenTelemetryListener;
  Object.defineProperty(listener, 'openSessions', { get: () => open.size });
  listener.close = () => {
    const at = now();
    for (const id of [...open.keys()]) endSession(id, 'unfinished', at);
  };
  return listener;
}
