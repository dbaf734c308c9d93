/** Fault injection per endpoint, at start and at run time (in-process and over the control API). */
import {
  identificationErrorSchema,
  identificationResponseSchema,
  ResultMajor,
  signResponseSchema,
} from '@itsme-sign/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';
import { b2bRaw } from './test-support/b2b-client.js';
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
