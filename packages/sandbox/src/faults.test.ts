/** Fault injection per endpoint, at start and at run time (in-process and over the control API). */

import { request as httpsRequest } from 'node:https';
import {
  identificationErrorSchema,
  identificationResponseSchema,
  ResultMajor,
  signResponseSchema,
} from '@itsme-sign/core';
import { b2bRaw, type RawResponse } from '@itsme-sign/test-support/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseFault } from './faults.js';
import { B2B_FAULT_ENDPOINTS, type Fault, type FaultEndpoint, type Sandbox, startSandbox } from './index.js';
import { identificationBody, REDIRECT_URL, signStatusBody } from './test-support/requests.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({
    dataDir: inject('sandboxDataDir'),
    faults: { discovery: { kind: 'status', status: 503, times: 1 } },
  });
  sb.addRedirectUrl(REDIRECT_URL);
});

afterAll(async () => {
  await sb?.close();
});

const discovery = () => b2bRaw(sb, '/.well-known/configuration', undefined, { method: 'GET' });

describe('faults', () => {
  it('applies a fault configured at start, `times` times, then clears it', async () => {
    expect((await discovery()).status).toBe(503);
    expect((await discovery()).status).toBe(200);
  });

  it('answers HTTP 500 with a TECHNICAL_ERROR body shaped like the endpoint', async () => {
    sb.setFault('identification', { kind: 'status', status: 500 });
    const res = await b2bRaw(sb, '/user_identification', identificationBody());
    expect(res.status).toBe(500);
    expect(identificationErrorSchema.parse(res.json)).toEqual({
      status: 'NOK',
      statusReason: 'TECHNICAL_ERROR',
    });
    sb.setFault('identification', null);
    expect((await b2bRaw(sb, '/user_identification', identificationBody())).status).toBe(200);

    sb.setFault('signStatus', { kind: 'status', status: 500, times: 1 });
    const sign = await b2bRaw(sb, '/sign_document', signStatusBody('a'.repeat(36)));
    expect(sign.status).toBe(500);
    expect(signResponseSchema.parse(sign.json).result).toMatchObject({
      maj: ResultMajor.ResponderError,
      min: 'TECHNICAL_ERROR',
    });
  });

  it('sends malformed JSON', async () => {
    sb.setFault('identification', { kind: 'malformed', times: 1 });
    const res = await b2bRaw(sb, '/user_identification', identificationBody());
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('resets the connection', async () => {
    sb.setFault('identificationStatus', { kind: 'reset', times: 1 });
    await expect(
      b2bRaw(sb, '/user_identification/status', {
        partnerCode: 'DEMO',
        serviceCode: 'DEMO_SIGN',
        asyncRespID: 'x',
      }),
    ).rejects.toThrow(/ECONNRESET|socket hang up/);
  });

  it('adds latency and then answers normally', async () => {
    sb.setFault('identification', { kind: 'latency', ms: 50, times: 1 });
    const res = await b2bRaw(sb, '/user_identification', identificationBody());
    expect(res.status).toBe(200);
    expect(identificationResponseSchema.safeParse(res.json).success).toBe(true);
  });

  it('hangs (no answer) until the client gives up', async () => {
    sb.setFault('sign', { kind: 'hang', times: 1 });
    const pending = b2bRaw(sb, '/sign_document', { reqID: 'r' }).then(
      () => 'answered',
      () => 'failed',
    );
    const winner = await Promise.race([
      pending,
      new Promise((r) => setTimeout(() => r('still waiting'), 300)),
    ]);
    expect(winner).toBe('still waiting');
    // the next call is served again
    const next = await b2bRaw(sb, '/sign_document', { reqID: 'r' });
    expect(next.status).toBe(400);
  });

  it('is configurable at run time over the control API', async () => {
    const set = await fetch(`${sb.controlUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'discovery', fault: { kind: 'status', status: 502, times: 2 } }),
    });
    expect(set.status).toBe(200);
    expect((await discovery()).status).toBe(502);
    expect((await discovery()).status).toBe(502);
    expect((await discovery()).status).toBe(200);

    const bad = await fetch(`${sb.controlUrl}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'nope', fault: null }),
    });
    expect(bad.status).toBe(400);
  });
});

/** One call of each B2B endpoint (its counter name = the fault endpoint). */
function callEndpoint(endpoint: FaultEndpoint): Promise<RawResponse> {
  switch (endpoint) {
    case 'discovery':
      return discovery();
    case 'identification':
      return b2bRaw(sb, '/user_identification', identificationBody());
    case 'identificationStatus':
      return b2bRaw(sb, '/user_identification/status', {
        partnerCode: 'DEMO',
        serviceCode: 'DEMO_SIGN',
        asyncRespID: 'x',
      });
    case 'sign':
      return b2bRaw(sb, '/sign_document', { reqID: 'r', asyncRespID: null });
    case 'signStatus':
      return b2bRaw(sb, '/sign_document', signStatusBody('a'.repeat(36)));
    default:
      return b2bRaw(sb, '/verify_document', { reqID: 'v' });
  }
}

describe('gateway faults on every B2B endpoint', () => {
  const statuses = [401, 403, 404, 429, 502, 503, 504];

  it.each(B2B_FAULT_ENDPOINTS.map((e) => [e]))(
    '%s: HTML 401/403/404/429/502/503/504 pages',
    async (endpoint) => {
      for (const status of statuses) {
        sb.setFault(endpoint, { kind: 'html', status, times: 1 });
        const res = await callEndpoint(endpoint);
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.text).toMatch(new RegExp(`^<html>[\\s\\S]*<h1>${status} [A-Z]`));
        expect(res.json).toBeUndefined();
        expect(res.headers['retry-after']).toBeUndefined();
      }
      // used up: the next call is the service's own answer
      expect((await callEndpoint(endpoint)).headers['content-type'] ?? '').not.toMatch(/html/);
    },
  );

  it('sends Retry-After in seconds or as an HTTP date, on HTML and JSON answers', async () => {
    sb.setFault('sign', { kind: 'html', status: 429, retryAfter: 7, times: 1 });
    const seconds = await callEndpoint('sign');
    expect(seconds.status).toBe(429);
    expect(seconds.headers['retry-after']).toBe('7');

    sb.setFault('signStatus', {
      kind: 'html',
      status: 503,
      retryAfter: 30,
      retryAfterFormat: 'date',
      times: 1,
    });
    const before = Date.now();
    const dated = await callEndpoint('signStatus');
    expect(dated.status).toBe(503);
    const value = dated.headers['retry-after'] as string;
    expect(value).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const at = Date.parse(value);
    expect(at - before).toBeGreaterThanOrEqual(29_000);
    expect(at - before).toBeLessThanOrEqual(32_000);

    sb.setFault('identificationStatus', { kind: 'status', status: 503, retryAfter: 2, times: 1 });
    const json = await callEndpoint('identificationStatus');
    expect(json).toMatchObject({ status: 503, json: { status: 'NOK', statusReason: 'TECHNICAL_ERROR' } });
    expect(json.headers['retry-after']).toBe('2');
  });

  it.each(B2B_FAULT_ENDPOINTS.map((e) => [e]))('%s: an empty 5xx', async (endpoint) => {
    sb.setFault(endpoint, { kind: 'empty', status: 502, times: 1 });
    const res = await callEndpoint(endpoint);
    expect(res.status).toBe(502);
    expect(res.text).toBe('');
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
  });

  it.each(B2B_FAULT_ENDPOINTS.map((e) => [e]))(
    '%s: the answer cut mid-way (connection closed after part of the body)',
    async (endpoint) => {
      sb.setFault(endpoint, { kind: 'truncated', times: 1 });
      await expect(callEndpoint(endpoint)).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
    },
  );

  it('a truncated answer was processed: the session exists although the client got half of its id', async () => {
    const started = sb.stats().identificationSessionsStarted;
    sb.setFault('identification', { kind: 'truncated', times: 1 });
    const chunks: Buffer[] = [];
    const outcome = await new Promise<{ status: number; announced: number; error: string }>((resolve) => {
      const req = httpsRequest(
        `${sb.b2bUrl}/user_identification`,
        {
          method: 'POST',
          cert: sb.credentials.clientCertPem,
          key: sb.credentials.clientKeyPem,
          ca: sb.credentials.caCertPem,
          headers: { 'content-type': 'application/json' },
          agent: false,
        },
        (res) => {
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) =>
            resolve({
              status: res.statusCode ?? 0,
              announced: Number(res.headers['content-length']),
              error: e.message,
            }),
          );
          res.on('end', () => resolve({ status: res.statusCode ?? 0, announced: -1, error: '' }));
        },
      );
      req.end(JSON.stringify(identificationBody()));
    });
    const received = Buffer.concat(chunks);
    expect(outcome.status).toBe(200);
    expect(outcome.error).toMatch(/aborted/);
    expect(received.length).toBe(Math.floor(outcome.announced / 2));
    expect(received.toString()).toMatch(/^\{"status":"OK"/);
    expect(sb.stats().identificationSessionsStarted).toBe(started + 1);
  });

  it('a slow body: the headers at once, the body trickled over ms', async () => {
    sb.setFault('discovery', { kind: 'slow', ms: 600, times: 1 });
    const t0 = Date.now();
    const timing = await new Promise<{ headersAt: number; endAt: number; pieces: number; body: string }>(
      (resolve, reject) => {
        const req = httpsRequest(
          `${sb.b2bUrl}/.well-known/configuration`,
          {
            method: 'GET',
            cert: sb.credentials.clientCertPem,
            key: sb.credentials.clientKeyPem,
            ca: sb.credentials.caCertPem,
            agent: false,
          },
          (res) => {
            const headersAt = Date.now() - t0;
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                headersAt,
                endAt: Date.now() - t0,
                pieces: chunks.length,
                body: Buffer.concat(chunks).toString(),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(timing.headersAt).toBeLessThan(400);
    expect(timing.endAt).toBeGreaterThanOrEqual(550);
    expect(timing.endAt - timing.headersAt).toBeGreaterThanOrEqual(300);
    expect(timing.pieces).toBeGreaterThan(2);
    expect(JSON.parse(timing.body)).toHaveProperty('sign_languages_supported');
  });

  it('is settable over the control API, and refused where it does not apply', async () => {
    const post = (endpoint: string, fault: unknown) =>
      fetch(`${sb.controlUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint, fault }),
      });
    const set = await post('verify', { kind: 'html', status: 403, retryAfter: 5, retryAfterFormat: 'date' });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { faults: Record<string, Fault> }).faults.verify).toEqual({
      kind: 'html',
      status: 403,
      retryAfter: 5,
      retryAfterFormat: 'date',
    });
    expect((await callEndpoint('verify')).status).toBe(403);
    expect((await post('verify', null)).status).toBe(200);
    for (const [endpoint, fault] of [
      ['ocsp', { kind: 'html', status: 503 }],
      ['crl', { kind: 'truncated' }],
      ['ocsp', { kind: 'status', status: 503, retryAfter: 1 }],
      ['sign', { kind: 'unexpectedError' }],
      ['sign', { kind: 'html', status: 200 }],
      ['sign', { kind: 'empty', status: 302 }],
      ['sign', { kind: 'slow', ms: -1 }],
      ['sign', { kind: 'html', status: 503, retryAfter: 1.5 }],
      ['sign', { kind: 'html', status: 503, retryAfterFormat: 'date' }],
      ['sign', { kind: 'html', status: 503, retryAfter: 1, retryAfterFormat: 'http' }],
      ['sign', { kind: 'nope' }],
    ] as const) {
      expect((await post(endpoint, fault)).status, JSON.stringify([endpoint, fault])).toBe(400);
    }
  });

  it('parses defaults: html 503, empty 502', () => {
    expect(parseFault({ kind: 'html' })).toEqual({ kind: 'html', status: 503 });
    expect(parseFault({ kind: 'empty' })).toEqual({ kind: 'empty', status: 502 });
    expect(parseFault({ kind: 'truncated', times: 2 })).toEqual({ kind: 'truncated', times: 2 });
  });
});
