/**
 * `@itsme-sign/core/otel` with the OpenTelemetry SDK's in-memory exporters, on real flows against the sandbox
 * over mutual TLS: span names, kinds, parents and attributes, the metrics, and that no secret, digest or
 * personal value of the session reaches any attribute.
 */
import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ItsmeSign } from '../itsme-sign.js';
import type { SigningSession } from '../session/state.js';
import { sandboxItsme, startTestSandbox } from '../test-support/sandbox.js';
import { ATTR, METRICS, type OpenTelemetryListener, openTelemetry, sessionIdHash } from './index.js';

let sandbox: Sandbox;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });
const open: ItsmeSign[] = [];
let listener: OpenTelemetryListener;
let itsme: ItsmeSign;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  listener = openTelemetry({
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
  });
  itsme = sandboxItsme(sandbox, { onEvent: listener });
  open.push(itsme);
});
afterAll(async () => {
  for (const it of open) await it.close();
  await sandbox?.close();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});
beforeEach(() => spans.reset());

const USER_CODE = '4711e5a1-0000-4000-8000-00000000beef';
const digest = createHash('sha256').update('the contract').digest('base64');

async function signedFlow(): Promise<SigningSession> {
  const started = await itsme.orchestrator.start({
    subject: { mode: 'hash', digests: [{ digest, name: 'contract-of-jan-peeters.pdf' }] },
    signerRole: 'Director',
    userCode: USER_CODE,
  });
  if (started.status !== 'identifying') throw new Error(started.status);
  await sandbox.control.identify({ url: started.identification.identificationUrl, phone: '+32470123456' });
  const signing = await itsme.orchestrator.userReturned(started.id);
  if (signing?.status !== 'signing') throw new Error(`not signing: ${signing?.status}`);
  await sandbox.control.sign({ url: signing.signing.signingUrl });
  const signed = await itsme.orchestrator.userReturned(started.id);
  if (signed?.status !== 'signed') throw new Error(`not signed: ${signed?.status}`);
  return signed;
}

/** Every string of the session (ids, URLs, certificates, digests, signature values, names) of 8+ characters. */
function sensitiveValues(session: SigningSession): string[] {
  const out = new Set<string>([session.id, digest, Buffer.from(digest, 'base64').toString('hex')]);
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 8) out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(session);
  // Not secrets: the session's statuses and the signing profile's public OIDs are fine (and not recorded).
  return [...out].filter((s) => !/^\d+(\.\d+)+$/.test(s));
}

/** Every attribute value of the spans (and their events) and the metric points, as strings. */
function recordedStrings(finished: ReadableSpan[], metrics: ResourceMetrics[]): string[] {
  const values = (a: Attributes | undefined) => Object.values(a ?? {}).map(String);
  return [
    ...finished.flatMap((s) => [
      s.name,
      ...values(s.attributes),
      ...s.events.flatMap((e) => [e.name, ...values(e.attributes)]),
      s.status.message ?? '',
    ]),
    ...metrics.flatMap((rm) =>
      rm.scopeMetrics.flatMap((sm) =>
        sm.metrics.flatMap((m) => m.dataPoints.flatMap((p) => values(p.attributes))),
      ),
    ),
  ];
}

async function collectMetrics(): Promise<ResourceMetrics[]> {
  await reader.forceFlush();
  return metricExporter.getMetrics();
}

function metric(all: ResourceMetrics[], name: string) {
  const last = all.at(-1);
  return last?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
}

describe('OpenTelemetry from onEvent (in-memory exporters, sandbox)', () => {
  it('a signed session: one session span, a span per B2B call, attributes free of secrets and personal data', async () => {
    const session = await signedFlow();
    const finished = spans.getFinishedSpans();
    const names = finished.map((s) => s.name);
    for (const step of ['identification.start', 'identification.status', 'sign.start', 'sign.status'])
      expect(names).toContain(`itsme_sign.${step}`);
    const root = finished.find((s) => s.name === 'itsme_sign.session');
    expect(root).toBeDefined();
    expect(root?.attributes[ATTR.sessionStatus]).toBe('signed');
    expect(root?.attributes[ATTR.sessionIdHash]).toBe(sessionIdHash(session.id));
    expect(root?.status.code).toBe(SpanStatusCode.OK);
    // Every transition is an event on the session span (USER_RETURNED keeps the status: dropped here).
    const statuses = root?.events.map((e) => e.attributes?.[ATTR.to]);
    expect(statuses?.filter((s, i) => s !== statuses[i - 1])).toEqual([
      'identifying',
      'identified',
      'signing',
      'signed',
    ]);
    const rootId = root?.spanContext().spanId;
    for (const span of finished.filter((s) => s !== root)) {
      // Children of the session span, inside its time range, CLIENT for the B2B calls.
      expect(span.parentSpanContext?.spanId).toBe(rootId);
      expect(span.spanContext().traceId).toBe(root?.spanContext().traceId);
      expect(span.kind).toBe(span.attributes[ATTR.b2b] ? SpanKind.CLIENT : SpanKind.INTERNAL);
      expect(span.attributes[ATTR.step]).toBe(span.name.replace('itsme_sign.', ''));
      expect(span.attributes[ATTR.sessionIdHash]).toBe(sessionIdHash(session.id));
      expect(Object.keys(span.attributes).sort()).toEqual(
        [ATTR.b2b, ATTR.outcome, ATTR.sessionIdHash, ATTR.step].sort(),
      );
      const start = span.startTime[0] * 1e3 + span.startTime[1] / 1e6;
      const end = span.endTime[0] * 1e3 + span.endTime[1] / 1e6;
      expect(end).toBeGreaterThanOrEqual(start);
    }
    const signStatus = finished.filter((s) => s.name === 'itsme_sign.sign.status');
    expect(signStatus.map((s) => s.attributes[ATTR.outcome])).toContain('signed');
    expect(listener.openSessions).toBe(0);

    const metrics = await collectMetrics();
    const recorded = recordedStrings(finished, metrics);
    const secrets = [...sensitiveValues(session), USER_CODE, '+32470123456', 'jan-peeters'];
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) {
      for (const value of recorded) expect(value.includes(secret), `${value} contains ${secret}`).toBe(false);
    }

    const durations = metric(metrics, METRICS.stepDuration);
    expect(durations?.descriptor.unit).toBe('s');
    const steps = durations?.dataPoints.map((p) => p.attributes[ATTR.step]);
    expect(steps).toEqual(expect.arrayContaining(['identification.start', 'sign.status']));
    expect(metric(metrics, METRICS.sessionsEnded)?.dataPoints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ attributes: { [ATTR.sessionStatus]: 'signed' }, value: 1 }),
      ]),
    );
    const active = metric(metrics, METRICS.sessionsActive)?.dataPoints ?? [];
    for (const p of active) expect(p.value).toBe(0);
    expect(metric(metrics, METRICS.sessionsCreated)?.dataPoints[0]?.value).toBeGreaterThanOrEqual(1);
    expect(metric(metrics, METRICS.transitions)?.dataPoints.length).toBeGreaterThanOrEqual(4);
  });

  it('a failed step: an error span with the error code, the session span failed', async () => {
    const started = await itsme.orchestrator.start({ subject: { mode: 'hash', digests: [{ digest }] } });
    if (started.status !== 'identifying') throw new Error(started.status);
    await sandbox.control.identify({ url: started.identification.identificationUrl, action: 'error' });
    const after = await itsme.orchestrator.userReturned(started.id);
    expect(after?.status).toBe('failed');
    const finished = spans.getFinishedSpans();
    const failed = finished.find((s) => s.name === 'itsme_sign.identification.status');
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes[ATTR.outcome]).toBe('error');
    expect(failed?.attributes[ATTR.errorType]).toBe(after?.status === 'failed' ? after.failure.code : '');
    const root = finished.find((s) => s.name === 'itsme_sign.session');
    expect(root?.attributes[ATTR.sessionStatus]).toBe('failed');
    expect(root?.status.code).toBe(SpanStatusCode.ERROR);
    expect(root?.attributes[ATTR.errorType]).toBe(failed?.attributes[ATTR.errorType]);
    const metrics = await collectMetrics();
    expect(metric(metrics, METRICS.stepCalls)?.dataPoints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          attributes: {
            [ATTR.step]: 'identification.status',
            [ATTR.outcome]: 'error',
            [ATTR.errorType]: failed?.attributes[ATTR.errorType],
          },
        }),
      ]),
    );
  });

  it("sessionId: 'omit' records no session id at all; close() ends the open session spans", async () => {
    const own = openTelemetry({ tracer: tracerProvider.getTracer('omit'), sessionId: 'omit' });
    const app = sandboxItsme(sandbox, { onEvent: own });
    open.push(app);
    const started = await app.orchestrator.start({ subject: { mode: 'hash', digests: [{ digest }] } });
    expect(own.openSessions).toBe(1);
    own.close();
    expect(own.openSessions).toBe(0);
    const finished = spans.getFinishedSpans();
    const root = finished.find((s) => s.name === 'itsme_sign.session');
    expect(root?.attributes[ATTR.sessionStatus]).toBe('unfinished');
    for (const s of finished) expect(s.attributes[ATTR.sessionIdHash]).toBeUndefined();
    expect(JSON.stringify(finished.map((s) => s.attributes))).not.toContain(started.id);
  });

  it('a step of a session created elsewhere is a span of its own; `next` receives every event', () => {
    const seen: string[] = [];
    const own = openTelemetry({
      tracer: tracerProvider.getTracer('x'),
      meter: meterProvider.getMeter('x'),
      next: (e) => void seen.push(e.type),
    });
    own({
      type: 'step.finished',
      sessionId: 'elsewhere',
      step: 'sign.status',
      durationMs: 12,
      outcome: 'pending',
    });
    const span = spans.getFinishedSpans().find((s) => s.name === 'itsme_sign.sign.status');
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes[ATTR.outcome]).toBe('pending');
    expect(seen).toEqual(['step.finished']);
    // An outcome that is not a plain state word is never recorded as such.
    own({
      type: 'step.finished',
      sessionId: 'x',
      step: 'sign.status',
      durationMs: 1,
      outcome: 'Jan Peeters',
    });
    expect(spans.getFinishedSpans().at(-1)?.attributes[ATTR.outcome]).toBe('other');
  });
});
