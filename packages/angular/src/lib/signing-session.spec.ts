import { DOCUMENT } from '@angular/common';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BASE_URL, fakeDocument, IDENTIFICATION_URL, settle, VIEWS, view } from '../test-support/views';
import { provideItsmeSign, withRetryDelay } from './config';
import { injectSigningSession } from './signing-session';

@Component({
  selector: 'itsme-test-host',
  template: '',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class HostComponent {
  readonly session = injectSigningSession({ autoRedirect: false });
}

function setup() {
  const doc = fakeDocument();
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideItsmeSign(
        { baseUrl: `${BASE_URL}/`, pollWaitSeconds: 20 },
        withRetryDelay(() => 1_000),
      ),
    ],
  });
  TestBed.overrideComponent(HostComponent, { add: { providers: [{ provide: DOCUMENT, useValue: doc }] } });
  const fixture = TestBed.createComponent(HostComponent);
  return {
    fixture,
    session: fixture.componentInstance.session,
    http: TestBed.inject(HttpTestingController),
    doc,
  };
}

describe('injectSigningSession()', () => {
  afterEach(() => {
    try {
      TestBed.inject(HttpTestingController).verify();
    } finally {
      TestBed.resetTestingModule();
    }
  });

  it('start() posts the body, exposes the view as signals and follows it', async () => {
    const { session, http, doc } = setup();
    const started = session.start({ documentId: 'doc-1', signerRole: 'Director', lang: 'FR' });
    expect(session.busy()).toBe(true);
    const post = http.expectOne({ method: 'POST', url: `${BASE_URL}/sessions` });
    expect(JSON.parse(post.request.body as string)).toEqual({
      documentId: 'doc-1',
      signerRole: 'Director',
      lang: 'FR',
    });
    expect(post.request.headers.get('content-type')).toBe('application/json');
    expect(post.request.withCredentials).toBe(false);
    post.flush(VIEWS.identifying(), { status: 201, statusText: 'Created' });

    expect((await started)?.id).toBe('sess-1');
    expect(session.busy()).toBe(false);
    expect(session.status()).toBe('identifying');
    expect(session.step()).toBe('identify');
    expect(session.redirectUrl()).toBe(IDENTIFICATION_URL);
    expect(session.resultUrl()).toBeNull();
    expect(session.following()).toBe(true);
    expect(doc.assigned).toEqual([]);
    session.continueToItsme();
    expect(doc.assigned).toEqual([IDENTIFICATION_URL]);

    const poll = http.expectOne(`${BASE_URL}/session?wait=20&version=1`);
    poll.flush(VIEWS.signed());
    await settle();
    expect(session.resultUrl()).toBe('/api/itsme/session/result');
    expect(session.following()).toBe(false);
  });

  it('resolves a relative resultUrl against baseUrl', async () => {
    const { session, http } = setup();
    session.refresh();
    http
      .expectOne(`${BASE_URL}/session`)
      .flush(
        view({ status: 'signed', step: 'signed', next: { action: 'done', resultUrl: 'session/result' } }),
      );
    await settle();
    expect(session.resultUrl()).toBe('/api/itsme/session/result');
  });

  it('a failed start exposes the error and resolves to null', async () => {
    const { session, http } = setup();
    const started = session.start({ digest: 'abc' });
    http
      .expectOne(`${BASE_URL}/sessions`)
      .flush(
        { error: { code: 'INVALID_REQUEST', message: 'digest: not a SHA-256', field: 'digest' } },
        { status: 400, statusText: 'Bad Request' },
      );
    expect(await started).toBeNull();
    expect(session.error()).toEqual({
      kind: 'client',
      status: 400,
      code: 'INVALID_REQUEST',
      message: 'digest: not a SHA-256',
      retryable: false,
    });
    expect(session.view()).toBeNull();
    expect(session.following()).toBe(false);
  });

  it('an answer that is not a session is an error, not a view', async () => {
    const { session, http } = setup();
    session.refresh();
    http.expectOne(`${BASE_URL}/session`).flush({ hello: 'world' });
    await settle();
    expect(session.view()).toBeNull();
    expect(session.error()?.code).toBe('INVALID_RESPONSE');
    expect(session.following()).toBe(false);
  });

  it('stops following when its host is destroyed', async () => {
    const { fixture, session, http } = setup();
    session.refresh();
    http.expectOne(`${BASE_URL}/session`).flush(VIEWS.identified());
    await settle();
    const poll = http.expectOne(`${BASE_URL}/session?wait=20&version=2`);
    fixture.destroy();
    expect(poll.cancelled).toBe(true);
    expect(session.following()).toBe(false);
  });

  it('restart() forgets the session', async () => {
    const { session, http } = setup();
    session.refresh();
    http.expectOne(`${BASE_URL}/session`).flush(VIEWS.identified());
    await settle();
    const poll = http.expectOne(`${BASE_URL}/session?wait=20&version=2`);
    session.restart();
    expect(poll.cancelled).toBe(true);
    expect(session.view()).toBeNull();
    expect(session.status()).toBeNull();
  });
});

describe('injectSigningSession() set-up', () => {
  it('needs an injection context and the provider', () => {
    expect(() => injectSigningSession()).toThrow(/injection context/);
    TestBed.configureTestingModule({ providers: [provideHttpClient()] });
    expect(() => TestBed.runInInjectionContext(() => injectSigningSession())).toThrow(/provideItsmeSign/);
  });

  it('rejects a bad configuration', () => {
    expect(() => provideItsmeSign({ baseUrl: '' })).toThrow(/baseUrl/);
    expect(() => provideItsmeSign({ baseUrl: '/x', pollWaitSeconds: 31 })).toThrow(/pollWaitSeconds/);
  });
});
