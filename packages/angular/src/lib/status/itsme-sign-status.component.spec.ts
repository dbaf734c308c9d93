import { DOCUMENT } from '@angular/common';
import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { SessionStatusName, SessionView } from '@itsme-sign/core/contract';
import {
  BASE_URL,
  fakeDocument,
  IDENTIFICATION_URL,
  SIGNING_URL,
  settle,
  signedBatch,
  VIEWS,
  view,
} from '../../test-support/views';
import { type ItsmeSignConfig, provideItsmeSign, withRetryDelay } from '../config';
import { ItsmeSignStatusComponent, type SigningFailure } from './itsme-sign-status.component';

const SESSION_URL = `${BASE_URL}/session`;
const RETRY_DELAY_MS = 5_000;

interface Setup {
  fixture: ComponentFixture<ItsmeSignStatusComponent>;
  http: HttpTestingController;
  doc: ReturnType<typeof fakeDocument>;
  events: { signed: SessionView[]; failed: SigningFailure[]; status: SessionStatusName[]; restart: number };
  el: HTMLElement;
}

function setup(
  inputs: Record<string, unknown> = {},
  config: Partial<ItsmeSignConfig> = {},
  doc = fakeDocument(),
): Setup {
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideItsmeSign(
        { baseUrl: BASE_URL, ...config },
        withRetryDelay(() => RETRY_DELAY_MS),
      ),
    ],
  });
  // Only the component sees the stand-in DOCUMENT, so the renderer keeps the real one.
  TestBed.overrideComponent(ItsmeSignStatusComponent, {
    add: { providers: [{ provide: DOCUMENT, useValue: doc }] },
  });
  const fixture = TestBed.createComponent(ItsmeSignStatusComponent);
  for (const [name, value] of Object.entries(inputs)) fixture.componentRef.setInput(name, value);
  const events: Setup['events'] = { signed: [], failed: [], status: [], restart: 0 };
  fixture.componentInstance.signed.subscribe((v) => events.signed.push(v));
  fixture.componentInstance.failed.subscribe((f) => events.failed.push(f));
  fixture.componentInstance.statusChange.subscribe((s) => events.status.push(s));
  fixture.componentInstance.restartRequested.subscribe(() => events.restart++);
  fixture.detectChanges();
  return { fixture, http: TestBed.inject(HttpTestingController), doc, events, el: fixture.nativeElement };
}

/** The first load: `GET /session` without a long poll. */
function expectLoad(http: HttpTestingController): TestRequest {
  return http.expectOne((r) => r.method === 'GET' && r.urlWithParams === SESSION_URL);
}

/** The long poll on `version`. */
function expectPoll(http: HttpTestingController, version: number): TestRequest {
  return http.expectOne(
    (r) => r.method === 'GET' && r.urlWithParams === `${SESSION_URL}?wait=25&version=${version}`,
  );
}

/** Answers `req`, lets the session take it, renders. */
async function respond(s: Setup, req: TestRequest, body: SessionView): Promise<void> {
  req.flush(body);
  await rendered(s);
}

async function rendered(s: Setup): Promise<void> {
  await settle();
  s.fixture.detectChanges();
}

const text = (s: Setup, testId: string): string =>
  s.el.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const button = (s: Setup, testId: string): HTMLElement | null =>
  s.el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

afterEach(() => {
  try {
    TestBed.inject(HttpTestingController).verify();
  } finally {
    // A failed verify must not leave the module behind for the next test.
    TestBed.resetTestingModule();
  }
});

describe('<itsme-sign-status>', () => {
  it('loads the session, explains the next step and sends the browser to itsme® through DOCUMENT', async () => {
    const s = setup();
    expect(text(s, 'itsme-sign-title')).toBe('One moment…');
    await respond(s, expectLoad(s.http), VIEWS.identifying());

    expect(s.doc.assigned).toEqual([IDENTIFICATION_URL]);
    expect(text(s, 'itsme-sign-title')).toBe('Confirm who you are');
    expect(text(s, 'itsme-sign-text')).toContain('You will now be taken to itsme®');
    expect(s.el.textContent).toContain('Taking you to itsme®…');
    // The manual way stays visible.
    expect(button(s, 'itsme-sign-continue')?.textContent?.trim()).toBe('Continue to itsme®');
    expect(s.events.status).toEqual(['identifying']);
    expectPoll(s.http, 1);
  });

  it('does not redirect with autoRedirect=false, and "Continue to itsme®" does', async () => {
    const s = setup({ autoRedirect: false });
    await respond(s, expectLoad(s.http), VIEWS.signing());

    expect(s.doc.assigned).toEqual([]);
    expect(text(s, 'itsme-sign-text')).toBe(
      'You will now be taken to itsme®. Check that the icons match, then confirm the signature in the itsme® app.',
    );
    expect(s.el.textContent).not.toContain('Taking you to itsme®…');
    button(s, 'itsme-sign-continue')!.click();
    expect(s.doc.assigned).toEqual([SIGNING_URL]);
    expectPoll(s.http, 3);
  });

  it('does not send the user straight back to itsme® when they came back with the Back button', async () => {
    const s = setup({}, {}, fakeDocument('back_forward'));
    await respond(s, expectLoad(s.http), VIEWS.identifying());
    expect(s.doc.assigned).toEqual([]);
    expect(s.el.textContent).not.toContain('Taking you to itsme®…');
    expect(button(s, 'itsme-sign-cancel')).not.toBeNull();
    button(s, 'itsme-sign-continue')!.click();
    s.fixture.detectChanges();
    expect(s.doc.assigned).toEqual([IDENTIFICATION_URL]);
    expect(s.el.textContent).toContain('Taking you to itsme®…');
    expectPoll(s.http, 1);
  });

  it('restored from the back/forward cache: looks again and does not redirect by itself', async () => {
    const s = setup();
    await respond(s, expectLoad(s.http), VIEWS.identifying());
    expect(s.doc.assigned).toEqual([IDENTIFICATION_URL]);
    const poll = expectPoll(s.http, 1);
    s.doc.restoreFromHistory();
    expect(poll.cancelled).toBe(true);
    await respond(s, expectLoad(s.http), VIEWS.identifying());
    expect(s.doc.assigned).toEqual([IDENTIFICATION_URL]);
    expect(s.el.textContent).not.toContain('Taking you to itsme®…');
    expect(button(s, 'itsme-sign-continue')).not.toBeNull();
    expectPoll(s.http, 1);
  });

  it('follows the session: the long poll is issued again with each new version', async () => {
    const s = setup();
    await respond(s, expectLoad(s.http), VIEWS.identifying());
    await respond(s, expectPoll(s.http, 1), VIEWS.identified());
    expect(text(s, 'itsme-sign-title')).toBe('Preparing your certificate');
    expect(s.el.querySelector('[aria-current="step"]')?.getAttribute('data-step')).toBe('certificate');

    // Same version after the wait: ask again on the same version.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const poll = expectPoll(s.http, 2);
      vi.advanceTimersByTime(20_000); // the server held the long poll for its whole window
      await respond(s, poll, VIEWS.identified());
    } finally {
      vi.useRealTimers();
    }
    await respond(s, expectPoll(s.http, 2), VIEWS.signing());
    expect(s.doc.assigned).toEqual([IDENTIFICATION_URL, SIGNING_URL]);
    await respond(s, expectPoll(s.http, 3), VIEWS.signingReturned());
    expect(text(s, 'itsme-sign-title')).toBe('Waiting for your confirmation');
    expect(s.el.querySelector('[aria-current="step"]')?.getAttribute('data-step')).toBe('confirm');
    await respond(s, expectPoll(s.http, 4), VIEWS.signed());
    expect(s.events.status).toEqual(['identifying', 'identified', 'signing', 'signed']);
    // Final: no more polling (verify() in afterEach).
  });

  it('a long poll answered at once without news waits a second before asking again (no tight loop)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const s = setup();
      await respond(s, expectLoad(s.http), VIEWS.identified());
      await respond(s, expectPoll(s.http, 2), VIEWS.identified());
      s.http.expectNone(() => true);
      vi.advanceTimersByTime(1_000);
      expectPoll(s.http, 2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never sends the browser to an address that is not a web page', async () => {
    const s = setup();
    const view = VIEWS.identifying();
    await respond(s, expectLoad(s.http), {
      ...view,
      next: { action: 'redirect', url: 'javascript:alert(1)', target: 'identification' },
    });
    expect(s.doc.assigned).toEqual([]);
    expect(text(s, 'itsme-sign-detail')).toContain('INVALID_RESPONSE');
  });

  it('signed: says so, offers the download and emits `signed`', async () => {
    const s = setup();
    await respond(s, expectLoad(s.http), VIEWS.signed());
    expect(text(s, 'itsme-sign-title')).toBe('Your document is signed');
    const link = s.el.querySelector<HTMLAnchorElement>('[data-testid="itsme-sign-download"]')!;
    expect(link.getAttribute('href')).toBe('/api/itsme/session/result');
    expect(link.hasAttribute('download')).toBe(true);
    expect(link.textContent?.trim()).toBe('Download signed document');
    expect(s.el.querySelectorAll('.step.is-done')).toHaveLength(4);
    expect(s.events.signed.map((v) => v.status)).toEqual(['signed']);
    expect(s.events.failed).toEqual([]);
    expect(button(s, 'itsme-sign-cancel')).toBeNull();
  });

  it('a signed batch lists every document with its own download, and the archive of all', async () => {
    const s = setup({ lang: 'NL' });
    await respond(s, expectLoad(s.http), signedBatch());
    expect(text(s, 'itsme-sign-title')).toBe('Uw documenten zijn ondertekend');
    const list = s.el.querySelector('[data-testid="itsme-sign-documents"]')!;
    const heading = list.querySelector('h3')!;
    expect(list.getAttribute('aria-labelledby')).toBe(heading.id);
    expect(heading.textContent?.trim()).toBe('Documenten (3)');
    const links = [...list.querySelectorAll<HTMLAnchorElement>('[data-testid="itsme-sign-download-one"]')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/api/itsme/session/result?document=terms.pdf',
      '/api/itsme/session/result?document=annex.pdf',
      '/api/itsme/session/result?document=mandate.pdf',
    ]);
    // Each link's accessible name says which document it downloads.
    expect(links[1]?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Downloaden annex.pdf');
    const all = s.el.querySelector<HTMLAnchorElement>('[data-testid="itsme-sign-download"]')!;
    expect(all.getAttribute('href')).toBe('/api/itsme/session/result.zip');
    expect(all.textContent?.trim()).toBe('Alle ondertekende documenten downloaden (ZIP)');
  });

  it('a batch that was not signed lists the documents, without downloads', async () => {
    const s = setup();
    const batch = signedBatch();
    await respond(s, expectLoad(s.http), {
      ...VIEWS.rejected(),
      documents: batch.documents.map(({ id, name }) => ({ id, name: name as string })),
    });
    expect(s.el.querySelectorAll('.doc-item')).toHaveLength(3);
    expect(s.el.querySelector('[data-testid="itsme-sign-download-one"]')).toBeNull();
  });

  it('a revoked signer is told so in their language, the code kept', async () => {
    const s = setup({ lang: 'FR' });
    await respond(s, expectLoad(s.http), {
      ...VIEWS.failed(),
      error: { code: 'CERTIFICATE_REVOKED', message: 'The certificate was revoked on 2026-12-01.' },
    });
    const detail = s.el.querySelector('[data-testid="itsme-sign-detail"]')!;
    expect(detail.textContent).toContain('Votre certificat de signature itsme® a été révoqué');
    expect(detail.textContent).toContain('CERTIFICATE_REVOKED');
    // Not the server's English words, and nothing claims to be English.
    expect(detail.querySelector('[lang="en"]')).toBeNull();
  });

  it('signed in hash mode offers the signature', async () => {
    const s = setup();
    await respond(s, expectLoad(s.http), { ...VIEWS.signed(), mode: 'hash', documentName: undefined });
    expect(text(s, 'itsme-sign-download')).toBe('Download signature');
  });

  const endings = [
    ['rejected', 'Signature declined', 'The signature was declined in itsme®', 'USER_REJECTED'],
    ['expired', 'Session expired', 'The session expired before it was completed', 'SESSION_EXPIRED'],
    ['cancelled', 'Signing cancelled', 'The signing was cancelled', 'SESSION_CANCELLED'],
    ['failed', 'Something went wrong', 'The signature could not be completed', 'SIGNATURE_INVALID'],
  ] as const;
  for (const [status, title, sentence, code] of endings) {
    it(`${status}: says what happened, shows the code, offers "Start again" and emits \`failed\``, async () => {
      const s = setup();
      await respond(s, expectLoad(s.http), VIEWS[status]());
      expect(text(s, 'itsme-sign-title')).toBe(title);
      expect(text(s, 'itsme-sign-text')).toContain(sentence);
      expect(text(s, 'itsme-sign-text')).toContain('Nothing was signed');
      expect(text(s, 'itsme-sign-detail')).toContain(`Error code: ${code}`);
      expect(s.el.querySelector('.step.is-failed')).not.toBeNull();
      expect(button(s, 'itsme-sign-continue')).toBeNull();
      expect(button(s, 'itsme-sign-download')).toBeNull();
      expect(s.events.failed).toEqual([expect.objectContaining({ reason: status, code })]);
      expect(s.doc.assigned).toEqual([]);

      button(s, 'itsme-sign-restart')!.click();
      s.fixture.detectChanges();
      expect(s.events.restart).toBe(1);
      expect(text(s, 'itsme-sign-title')).toBe('Sign with itsme®');
    });
  }

  it('a network error is shown, retried after a back-off, and "Retry" asks at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const s = setup();
      await respond(s, expectLoad(s.http), VIEWS.identified());
      expectPoll(s.http, 2).error(new ProgressEvent('error'));
      await rendered(s);
      expect(text(s, 'itsme-sign-title')).toBe('Connection problem');
      expect(text(s, 'itsme-sign-detail')).toContain('NETWORK_ERROR');
      expect(s.el.querySelector('.step.is-current')?.getAttribute('data-step')).toBe('certificate');

      // The back-off: nothing before the delay, one immediate GET after it.
      s.http.expectNone(() => true);
      vi.advanceTimersByTime(RETRY_DELAY_MS);
      expectLoad(s.http).error(new ProgressEvent('error'));
      await rendered(s);
      expect(text(s, 'itsme-sign-title')).toBe('Connection problem');

      // The user does not wait for the (now longer) back-off.
      button(s, 'itsme-sign-retry')!.click();
      await respond(s, expectLoad(s.http), VIEWS.identified());
      expect(text(s, 'itsme-sign-title')).toBe('Preparing your certificate');
      expect(button(s, 'itsme-sign-retry')).toBeNull();
      expectPoll(s.http, 2);
      // The pending back-off timer was dropped by the manual retry.
      vi.advanceTimersByTime(RETRY_DELAY_MS * 4);
      s.http.expectNone((r) => r.urlWithParams === SESSION_URL);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a server error shows its code with Retry and Start again', async () => {
    const s = setup();
    expectLoad(s.http).flush(
      {
        error: { code: 'STORE_UNAVAILABLE', message: 'The session store is unavailable.', retryable: false },
      },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await rendered(s);
    expect(text(s, 'itsme-sign-title')).toBe('Server error');
    expect(text(s, 'itsme-sign-detail')).toBe(
      'The session store is unavailable. (Error code: STORE_UNAVAILABLE)',
    );
    expect(button(s, 'itsme-sign-retry')).not.toBeNull();
    expect(button(s, 'itsme-sign-restart')).not.toBeNull();
    expect(s.events.failed).toEqual([
      expect.objectContaining({ reason: 'server', code: 'STORE_UNAVAILABLE' }),
    ]);
    button(s, 'itsme-sign-retry')!.click();
    await respond(s, expectLoad(s.http), VIEWS.signed());
    expect(text(s, 'itsme-sign-title')).toBe('Your document is signed');
  });

  it('no session in this browser (404): says so and offers Start again', async () => {
    const s = setup();
    expectLoad(s.http).flush(
      { error: { code: 'SESSION_NOT_FOUND', message: 'No signing session.' } },
      { status: 404, statusText: 'Not Found' },
    );
    await rendered(s);
    expect(text(s, 'itsme-sign-title')).toBe('No signing session');
    expect(button(s, 'itsme-sign-retry')).toBeNull();
    button(s, 'itsme-sign-restart')!.click();
    expect(s.events.restart).toBe(1);
  });

  it('cancel: DELETE /session, then the cancelled message (and focus moves to it)', async () => {
    const s = setup();
    await respond(s, expectLoad(s.http), VIEWS.identified());
    const poll = expectPoll(s.http, 2);
    button(s, 'itsme-sign-cancel')!.click();
    expect(poll.cancelled).toBe(true);
    const del = s.http.expectOne((r) => r.method === 'DELETE' && r.url === SESSION_URL);
    await respond(s, del, VIEWS.cancelled());
    expect(text(s, 'itsme-sign-title')).toBe('Signing cancelled');
    expect(s.events.status).toEqual(['identified', 'cancelled']);
    await Promise.resolve();
    await Promise.resolve();
    expect(s.el.ownerDocument.activeElement?.getAttribute('data-testid')).toBe('itsme-sign-title');
  });

  it('speaks the input language, then the new one when it changes', async () => {
    const s = setup({ lang: 'FR' });
    await respond(s, expectLoad(s.http), VIEWS.signing());
    expect(text(s, 'itsme-sign-title')).toBe('Confirmez la signature');
    expect(text(s, 'itsme-sign-continue')).toBe('Continuer vers itsme®');
    expect(s.el.getAttribute('lang')).toBe('fr');

    s.fixture.componentRef.setInput('lang', 'nl-BE');
    s.fixture.detectChanges();
    expect(text(s, 'itsme-sign-title')).toBe('Bevestig de handtekening');
    expect(s.el.querySelector('ol')?.getAttribute('aria-label')).toBe('Voortgang van de ondertekening');

    s.fixture.componentRef.setInput('lang', 'DE');
    s.fixture.detectChanges();
    expect(text(s, 'itsme-sign-continue')).toBe('Weiter zu itsme®');
    expectPoll(s.http, 3);
  });

  it("without an input, speaks the session's language, else the provider's", async () => {
    const s = setup({}, { lang: 'DE' });
    expect(text(s, 'itsme-sign-title')).toBe('Einen Moment…');
    await respond(s, expectLoad(s.http), { ...VIEWS.rejected(), lang: 'NL' });
    expect(text(s, 'itsme-sign-title')).toBe('Handtekening geweigerd');
    expect(text(s, 'itsme-sign-restart')).toBe('Opnieuw beginnen');
  });

  it('announces through a polite live region and marks the current step', async () => {
    const s = setup();
    await respond(s, expectLoad(s.http), VIEWS.identifying());
    const live = s.el.querySelector('[role="status"]')!;
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toContain('Confirm who you are');
    const current = s.el.querySelector('[aria-current="step"]')!;
    expect(current.textContent).toContain('Identify');
    expect(current.textContent).toContain('(current step)');
    for (const b of Array.from(s.el.querySelectorAll('button'))) {
      expect(b.getAttribute('type')).toBe('button');
      expect(b.tabIndex).toBe(0);
    }
    expectPoll(s.http, 1);
  });

  it('autoLoad=false waits for the app', async () => {
    const s = setup({ autoLoad: false });
    s.http.expectNone(() => true);
    expect(text(s, 'itsme-sign-title')).toBe('Sign with itsme®');
    s.fixture.componentInstance.session.refresh();
    await respond(
      s,
      expectLoad(s.http),
      view({ status: 'created', step: 'identify', next: { action: 'wait' } }),
    );
    expect(text(s, 'itsme-sign-title')).toBe('Preparing your certificate');
    expectPoll(s.http, 1);
  });
});
