/**
 * The user's side over plain HTTP, as a browser would walk it: identification page → phone number → the simulated
 * app (`/phone`) → redirect; signing page with the poka-yoke → the app → redirect. Plus the control API over HTTP.
 */
import {
  identificationResponseSchema,
  identificationStatusResponseSchema,
  ResultMajor,
  signResponseSchema,
} from '@itsme-sign/core';
import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.js';
import {
  digestOf,
  identificationBody,
  REDIRECT_URL,
  signStartBody,
  signStatusBody,
} from './test-support/requests.js';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: inject('sandboxDataDir') });
  sb.addRedirectUrl(REDIRECT_URL);
});

afterAll(async () => {
  await sb?.close();
});

const form = (url: string, fields: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

const tokenOf = (url: string) => new URL(url).searchParams.get('q') as string;

async function startIdentification(lang = 'FR') {
  const res = await b2bRaw(sb, '/user_identification', identificationBody({ lang }));
  return identificationResponseSchema.parse(res.json);
}

async function identificationStatus(asyncRespID: string) {
  return b2bRaw(sb, '/user_identification/status', {
    partnerCode: 'DEMO',
    serviceCode: 'DEMO_SIGN',
    asyncRespID,
  });
}

async function identifyInBrowser(phone: string) {
  const started = await startIdentification();
  const q = tokenOf(started.identificationUrl);
  expect((await form(`${sb.frontUrl}/qes/identify_yourself`, { q, language: 'FR', phone })).status).toBe(303);
  const phonePage = await (await fetch(`${sb.frontUrl}/phone?number=${encodeURIComponent(phone)}`)).text();
  const approve = await form(`${sb.frontUrl}/phone/act`, { q, number: phone, action: 'approve' });
  expect(approve.status).toBe(303);
  const status = identificationStatusResponseSchema.parse(
    (await identificationStatus(started.asyncRespID)).json,
  );
  return { started, phonePage, userCode: status.userCode };
}

describe('identification pages', () => {
  it('asks for the phone number in the requested language, with stable test ids', async () => {
    const started = await startIdentification('FR');
    const res = await fetch(started.identificationUrl);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Identifiez-vous avec itsme®');
    expect(html).toContain('data-testid="phone-input"');
    expect(html).toContain('data-testid="phone-submit"');
    expect(html).toContain('<label for="phone">');
    for (const [lang, title] of [
      ['NL', 'Identificeer je met itsme®'],
      ['DE', 'Identifizieren Sie sich mit itsme®'],
      ['EN', 'Identify yourself with itsme®'],
    ]) {
      const url = started.identificationUrl.replace('language=FR', `language=${lang}`);
      expect(await (await fetch(url)).text()).toContain(title);
    }
  });

  it('refuses a phone number that is not one', async () => {
    const started = await startIdentification();
    const res = await form(`${sb.frontUrl}/qes/identify_yourself`, {
      q: tokenOf(started.identificationUrl),
      language: 'EN',
      phone: 'hello',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('data-testid="phone-error"');
  });

  it('walks phone number → CREATE_CERT in the app → redirect to the partner', async () => {
    const phone = '+32470000501';
    const started = await startIdentification();
    const q = tokenOf(started.identificationUrl);
    const submitted = await form(`${sb.frontUrl}/qes/identify_yourself`, { q, language: 'FR', phone });
    expect(submitted.status).toBe(303);
    const waiting = await (await fetch(`${sb.frontUrl}${submitted.headers.get('location')}`)).text();
    expect(waiting).toContain('data-testid="identify-waiting"');
    expect(waiting).toContain(`/phone?number=${encodeURIComponent(phone)}`);
    expect(await (await fetch(`${sb.frontUrl}/qes/session-state?q=${q}`)).json()).toEqual({
      state: 'waiting-app',
    });

    const app = await (await fetch(`${sb.frontUrl}/phone?number=${encodeURIComponent(phone)}`)).text();
    expect(app).toContain('data-testid="phone-action" data-kind="CREATE_CERT"');
    expect(app).toContain('data-testid="action-approve"');
    expect(app).toContain('data-testid="action-reject"');
    expect(
      (await (
        await fetch(`${sb.frontUrl}/phone/actions?number=${encodeURIComponent(phone)}`)
      ).json()) as unknown,
    ).toEqual({
      ids: [started.asyncRespID],
    });

    expect((await form(`${sb.frontUrl}/phone/act`, { q, number: phone, action: 'approve' })).status).toBe(
      303,
    );
    const state = (await (await fetch(`${sb.frontUrl}/qes/session-state?q=${q}`)).json()) as Record<
      string,
      string
    >;
    expect(state).toMatchObject({ state: 'identified', redirectUrl: REDIRECT_URL });
    const back = await fetch(started.identificationUrl, { redirect: 'manual' });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(REDIRECT_URL);
    expect((await identificationStatus(started.asyncRespID)).status).toBe(200);

    // second time: the app asks to confirm the identity, not to create a certificate
    const again = await identifyInBrowser(phone);
    expect(again.phonePage).toContain('data-kind="IDENTIFY"');
  });

  it('answers 404 for an unknown link', async () => {
    const res = await fetch(`${sb.frontUrl}/qes/identify_yourself?language=EN&q=unknown`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This link is unknown or has expired.');
  });
});

describe('signing page and the poka-yoke', () => {
  async function startSign(userCode: string) {
    const res = await b2bRaw(sb, '/sign_document', signStartBody(userCode, digestOf('doc')));
    return signResponseSchema.parse(res.json);
  }

  it('shows description, role, policy and three icons with one highlighted; the app shows the same order', async () => {
    const phone = '+32470000502';
    const { userCode } = await identifyInBrowser(phone);
    const sign = await startSign(userCode);
    const q = tokenOf(sign.signingUrl as string);
    // before the page is opened, nothing is pushed to the app
    expect(
      await (await fetch(`${sb.frontUrl}/phone/actions?number=${encodeURIComponent(phone)}`)).json(),
    ).toEqual({ ids: [] });

    const html = await (await fetch(sign.signingUrl as string)).text();
    expect(html).toContain('Signez avec itsme®');
    expect(html).toContain('data-testid="sign-description">Contrat d&#39;assurance voiture<');
    expect(html).toContain('data-testid="sign-role">General Manager<');
    expect(html).toContain('Politique de signature pour des signatures électroniques qualifiées');
    const pageIcons = [...html.matchAll(/data-testid="poka-icon-(\d)" data-icon="(\w+)"/g)].map((m) => m[2]);
    expect(pageIcons).toHaveLength(3);
    const highlighted = [...html.matchAll(/data-testid="poka-highlighted" data-index="(\d)"/g)];
    expect(highlighted).toHaveLength(1);
    const index = Number(highlighted[0]?.[1]);

    const app = await (await fetch(`${sb.frontUrl}/phone?number=${encodeURIComponent(phone)}`)).text();
    expect(app).toContain('data-kind="SIGN"');
    const appIcons = [...app.matchAll(/data-testid="poka-icon-(\d)" data-icon="(\w+)"/g)].map((m) => m[2]);
    expect(appIcons).toEqual(pageIcons);

    // tapping the highlighted icon signs
    expect((await form(`${sb.frontUrl}/phone/act`, { q, number: phone, pick: String(index) })).status).toBe(
      303,
    );
    const done = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStatusBody(sign.respID as string))).json,
    );
    expect(done.result.maj).toBe(ResultMajor.Success);
    const back = await fetch(sign.signingUrl as string, { redirect: 'manual' });
    expect(back.headers.get('location')).toBe(REDIRECT_URL);
  });

  it('rejects the action when the user taps an icon that is not highlighted', async () => {
    const phone = '+32470000502';
    const { userCode } = await identifyInBrowser(phone);
    const sign = await startSign(userCode);
    const q = tokenOf(sign.signingUrl as string);
    const html = await (await fetch(sign.signingUrl as string)).text();
    const index = Number(html.match(/data-testid="poka-highlighted" data-index="(\d)"/)?.[1]);
    await form(`${sb.frontUrl}/phone/act`, { q, number: phone, pick: String((index + 1) % 3) });
    const res = await b2bRaw(sb, '/sign_document', signStatusBody(sign.respID as string));
    expect(signResponseSchema.parse(res.json).result.min).toBe('REJECTED');
    const state = (await (
      await fetch(`${sb.frontUrl}/qes/session-state?q=${q}&language=EN`)
    ).json()) as Record<string, string>;
    expect(state).toMatchObject({
      state: 'rejected',
      redirectUrl: REDIRECT_URL,
      message: 'The action was rejected. Taking you back…',
    });
  });
});

describe('hostile input in pages and the control API', () => {
  it('a phone number cannot break out of the page script', async () => {
    const res = await fetch(
      `${sb.frontUrl}/phone?number=${encodeURIComponent('</script><script>alert(1)</script>')}`,
    );
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<\/script>/g)?.length ?? 0).toBe(html.match(/<script/g)?.length ?? 0);
  });

  it('control POSTs must be application/json (no cross-site simple requests)', async () => {
    const res = await fetch(`${sb.controlUrl}/redirect-urls`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ url: 'http://evil.example/cb' }),
    });
    expect(res.status).toBe(415);
  });

  it('close() does not wait for a client stuck before its TLS handshake', async () => {
    const { connect } = await import('node:net');
    const other = await startSandbox({ dataDir: inject('sandboxDataDir') });
    const port = Number(new URL(other.b2bUrl).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = await Promise.race([
      other.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('hung'), 5_000)),
    ]);
    socket.destroy();
    expect(closed).toBe('closed');
  });
});

describe('control API over HTTP', () => {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${sb.controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('identifies, signs, lists sessions and stats, and registers redirect URLs', async () => {
    const lateUrl = 'http://127.0.0.1:9/late/callback';
    expect((await post('/redirect-urls', { url: lateUrl })).status).toBe(200);
    const started = identificationResponseSchema.parse(
      (await b2bRaw(sb, '/user_identification', identificationBody({ redirectUrl: lateUrl }))).json,
    );
    const identified = await post('/identify', { url: started.identificationUrl, phone: '+32470000503' });
    expect(identified).toMatchObject({ status: 200, json: { redirectUrl: lateUrl, state: 'identified' } });
    const userCode = identified.json.userCode as string;
    expect(userCode).toHaveLength(36);

    const sign = signResponseSchema.parse(
      (await b2bRaw(sb, '/sign_document', signStartBody(userCode, digestOf('c')))).json,
    );
    expect(await post('/sign', { url: sign.signingUrl })).toMatchObject({
      status: 200,
      json: { state: 'signed' },
    });
    // acting twice is a conflict
    expect((await post('/sign', { url: sign.signingUrl })).status).toBe(409);
    expect((await post('/sign', { url: 'http://x/?q=nope' })).status).toBe(404);
    expect((await post('/sign', { url: sign.signingUrl, action: 'dance' })).status).toBe(400);

    const sessions = (await (await fetch(`${sb.controlUrl}/sessions`)).json()) as Record<string, unknown>[];
    const mine = sessions.find((s) => s.id === sign.respID);
    expect(mine).toMatchObject({ kind: 'sign', state: 'signed', userCode, docId: 'contract.pdf' });
    expect(JSON.stringify(sessions)).not.toContain('PRIVATE KEY');
    const stats = (await (await fetch(`${sb.controlUrl}/stats`)).json()) as Record<string, unknown>;
    expect(stats.signaturesProduced).toBeGreaterThan(0);
  });
});
