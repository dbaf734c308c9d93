import { isPlatformBrowser } from '@angular/common';
import {
  booleanAttribute,
  ChangeDetectionStrategy,
  Component,
  computed,
  type ElementRef,
  inject,
  input,
  type OnInit,
  output,
  PLATFORM_ID,
  viewChild,
} from '@angular/core';
import {
  FINAL_STATUSES,
  type FinalStatus,
  type FollowerState,
  isFinalStatus,
  SIGNING_STEPS,
} from '@itsme-sign/core/browser';
import type {
  ErrorInfo,
  LanguageCode,
  SessionStatusName,
  SessionView,
  SigningStep,
} from '@itsme-sign/core/contract';
import { ITSME_SIGN_CONFIG, ITSME_SIGN_MESSAGES } from '../config';
import { type ItsmeSignMessages, messagesFor, type SigningPhase, toLanguageCode } from '../i18n';
import { injectSigningSession, type SigningRequestError } from '../signing-session';

const STEPS: readonly SigningStep[] = SIGNING_STEPS;
let instances = 0;
/** How a session ends without a signature: every final status but `signed`. */
type EndedStatus = Exclude<FinalStatus, 'signed'>;
const ENDED: readonly string[] = FINAL_STATUSES.filter((status) => status !== 'signed');
const isEnded = (status: string): status is EndedStatus => ENDED.includes(status);

export type StepState = 'done' | 'current' | 'upcoming' | 'failed';

const RUNNING: readonly SigningPhase[] = ['identifying', 'certificate', 'signing', 'loading'];
const RETRYABLE: readonly SigningPhase[] = ['network-error', 'server-error'];

/** What the component shows for a state of the follower (the phases are the i18n keys and `data-phase`). */
function phaseOf({ type, view, error }: FollowerState): SigningPhase {
  if (error && view?.status !== 'signed') {
    return error.kind === 'network'
      ? 'network-error'
      : error.kind === 'not-found'
        ? 'not-found'
        : 'server-error';
  }
  if (!view) return type === 'idle' ? 'idle' : 'loading';
  if (type === 'finished' || isFinalStatus(view.status)) return view.status as FinalStatus;
  const next = view.next;
  if (next.action === 'redirect') return `redirect-${next.target}`;
  return view.status === 'identifying' || view.status === 'signing' ? view.status : 'certificate';
}

/** Why the signing did not end in a signature (the `failed` output). */
export interface SigningFailure {
  reason: EndedStatus | SigningRequestError['kind'];
  code: string;
  message: string;
  /** The last view of the session, if there was one. */
  view: SessionView | null;
}

/**
 * Shows where this browser's signing session is, sends the user to itsme® when it is time, and handles every end.
 *
 * ```html
 * <itsme-sign-status (signed)="onSigned($event)" (restartRequested)="router.navigate(['/'])" />
 * ```
 */
@Component({
  selector: 'itsme-sign-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Inline: biome lints .html files as plain HTML and does not know Angular's bindings.
  template: `
    <section class="card" [attr.aria-busy]="session.busy()">
      @if (documents().length > 1) {
        <section class="docs" data-testid="itsme-sign-documents" [attr.aria-labelledby]="docsHeadingId">
          <h3 class="doc-label" [id]="docsHeadingId">{{ messages().documents }} ({{ documents().length }})</h3>
          <ul class="doc-list">
            @for (doc of documents(); track doc.id) {
              <li class="doc-item" [attr.data-document]="doc.id">
                <span class="doc-name">{{ doc.name ?? doc.id }}</span>
                @if (phase() === 'signed' && doc.resultUrl && session.view()?.mode === 'document') {
                  <a class="doc-download" [href]="doc.resultUrl" download data-testid="itsme-sign-download-one">
                    {{ messages().downloadOne }}<span class="visually-hidden">&ngsp;{{ doc.name ?? doc.id }}</span>
                  </a>
                }
              </li>
            }
          </ul>
        </section>
      } @else if (session.view()?.documentName; as name) {
        <p class="doc"><span class="doc-label">{{ messages().document }}</span> <span class="doc-name">{{ name }}</span></p>
      }

      <ol class="steps" [attr.aria-label]="messages().stepsLabel">
        @for (s of steps(); track s.step; let i = $index) {
          <li
            class="step"
            [class.is-done]="s.state === 'done'"
            [class.is-current]="s.state === 'current'"
            [class.is-failed]="s.state === 'failed'"
            [attr.aria-current]="s.state === 'current' ? 'step' : null"
            [attr.data-step]="s.step"
            [attr.data-state]="s.state"
          >
            <span class="marker" aria-hidden="true">
              @switch (s.state) {
                @case ('done') { ✓ }
                @case ('failed') { ! }
                @default { {{ i + 1 }} }
              }
            </span>
            <span class="step-label">{{ messages().steps[s.step] }}</span>
            <span class="visually-hidden">({{ messages().stepState[s.state] }})</span>
          </li>
        }
      </ol>

      <div
        class="message"
        [class.is-success]="phase() === 'signed'"
        [class.is-problem]="ended() || canRetry() || phase() === 'not-found'"
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-testid="itsme-sign-message"
      >
        <h2 class="title" data-testid="itsme-sign-title" tabindex="-1" #title>
          @if (running()) {
            <span class="spinner" aria-hidden="true"></span>
          }
          {{ text().title }}
        </h2>
        <p class="text" data-testid="itsme-sign-text">{{ text().text }}</p>
        @if (problem(); as p) {
          <p class="detail" data-testid="itsme-sign-detail">
            @if (explained(p.code); as text) {
              <span>{{ text }}</span>
            } @else {
              <!-- The server's own words are English: say so to screen readers in a localized page. -->
              <span lang="en">{{ p.message }}</span>
            }<span class="code">&ngsp;({{ messages().errorCode }}: {{ p.code }})</span>
          </p>
        }
        @if (session.redirecting() && !problem()) {
          <p class="hint">{{ messages().redirecting }}</p>
        }
      </div>

      <div class="actions">
        @if (session.redirectUrl() && !ended()) {
          <button
            type="button"
            class="btn btn-primary"
            data-testid="itsme-sign-continue"
            [disabled]="session.busy()"
            (click)="session.continueToItsme()"
          >
            {{ messages().continueToItsme }}
          </button>
        }
        @if (phase() === 'signed' && session.resultUrl(); as href) {
          <a class="btn btn-primary" data-testid="itsme-sign-download" [href]="href" download>
            {{
              session.view()?.mode === 'hash'
                ? messages().downloadSignature
                : documents().length > 1
                  ? messages().downloadAll
                  : messages().downloadDocument
            }}
          </a>
        }
        @if (canRetry()) {
          <button type="button" class="btn btn-primary" data-testid="itsme-sign-retry" (click)="retry()">
            {{ messages().retry }}
          </button>
        }
        @if (ended() || canRetry() || phase() === 'not-found') {
          <button
            type="button"
            class="btn"
            [class.btn-primary]="!canRetry()"
            [class.btn-secondary]="canRetry()"
            data-testid="itsme-sign-restart"
            (click)="startAgain()"
          >
            {{ messages().startAgain }}
          </button>
        }
        @if (showCancel() && session.view() && (running() || session.redirectUrl()) && !ended()) {
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="itsme-sign-cancel"
            [disabled]="session.busy()"
            (click)="cancel()"
          >
            {{ messages().cancel }}
          </button>
        }
      </div>
    </section>
  `,
  styleUrl: './itsme-sign-status.component.css',
  host: {
    class: 'itsme-sign-status',
    '[attr.lang]': 'language().toLowerCase()',
    '[attr.data-phase]': 'phase()',
  },
})
export class ItsmeSignStatusComponent implements OnInit {
  private readonly config = inject(ITSME_SIGN_CONFIG);
  private readonly overrides = inject(ITSME_SIGN_MESSAGES);
  private readonly inBrowser = isPlatformBrowser(inject(PLATFORM_ID));

  /** Send the browser to itsme® as soon as the session asks. Default: the provider's (true). */
  readonly autoRedirect = input(this.config.autoRedirect, { transform: booleanAttribute });
  /** UI language (EN, FR, NL, DE or a tag like `fr-BE`). Default: the session's, else the provider's, else EN. */
  readonly lang = input<LanguageCode | string | undefined>(undefined);
  /** Load the browser's session when shown. Default true. */
  readonly autoLoad = input(true, { transform: booleanAttribute });
  /** Offer "Cancel signing" while the session runs. Default true. */
  readonly showCancel = input(true, { transform: booleanAttribute });

  /** The session was signed; the view's `next.resultUrl` (also `session.resultUrl()`) has the result. */
  readonly signed = output<SessionView>();
  /** The session ended without a signature, or could not be loaded. */
  readonly failed = output<SigningFailure>();
  /** The session's status changed. */
  readonly statusChange = output<SessionStatusName>();
  /** The user asked to start again (after an ending or an error). */
  readonly restartRequested = output<void>();

  readonly session = injectSigningSession({
    autoRedirect: () => this.autoRedirect(),
    onView: (view, previous) => this.announce(view, previous),
    onError: (error) => {
      if (!error.retryable) {
        this.failed.emit({
          reason: error.kind,
          code: error.code,
          message: error.message,
          view: this.session.view(),
        });
      }
    },
  });

  readonly language = computed<LanguageCode>(
    () => toLanguageCode(this.lang()) ?? this.session.view()?.lang ?? this.config.lang ?? 'EN',
  );
  private readonly title = viewChild<ElementRef<HTMLElement>>('title');
  readonly messages = computed<ItsmeSignMessages>(() =>
    messagesFor(this.language(), this.overrides[this.language()]),
  );

  readonly phase = computed<SigningPhase>(() => phaseOf(this.session.state()));

  readonly text = computed(() =>
    this.phase() === 'signed' && this.documents().length > 1
      ? this.messages().signedMany
      : this.messages().phases[this.phase()],
  );

  /** The session's documents (several when signed with one approval). */
  readonly documents = computed(() => this.session.view()?.documents ?? []);
  /** Unique per component instance: the document list's heading. */
  readonly docsHeadingId = `itsme-sign-docs-${++instances}`;

  readonly steps = computed<{ step: SigningStep; state: StepState }[]>(() => {
    const view = this.session.view();
    if (!view) return STEPS.map((step) => ({ step, state: 'upcoming' as const }));
    if (view.status === 'signed') return STEPS.map((step) => ({ step, state: 'done' as const }));
    const current = STEPS.indexOf(view.step);
    const stopped = isFinalStatus(view.status);
    return STEPS.map((step, i) => ({
      step,
      state: i < current ? 'done' : i > current ? 'upcoming' : stopped ? 'failed' : 'current',
    }));
  });

  /** The details of what went wrong: the failed request, else the session's own error. */
  readonly problem = computed<Pick<ErrorInfo, 'code' | 'message'> | null>(() => {
    const error = this.session.error();
    if (error) return { code: error.code, message: error.message };
    const view = this.session.view();
    return view?.error && view.status !== 'signed' ? view.error : null;
  });

  /** The user's-language explanation of an error code, when the messages have one. */
  explained(code: string): string | undefined {
    return (this.messages().errors as Record<string, string | undefined>)[code];
  }

  readonly running = computed(() => RUNNING.includes(this.phase()));
  readonly ended = computed(() => isEnded(this.phase()));
  readonly canRetry = computed(() => RETRYABLE.includes(this.phase()));

  ngOnInit(): void {
    // On the server (SSR) there is no session cookie to follow and no browser to redirect.
    if (this.inBrowser && this.autoLoad() && !this.session.view()) this.session.refresh();
  }

  retry(): void {
    this.session.refresh();
    this.focusTitle();
  }

  startAgain(): void {
    this.session.restart();
    this.restartRequested.emit();
  }

  cancel(): void {
    // The Cancel (or Retry) button goes away: keep keyboard focus on the message instead of losing it.
    void this.session.cancel().then(() => this.focusTitle());
  }

  private focusTitle(): void {
    this.title()?.nativeElement.focus();
  }

  private announce(view: SessionView, previous: SessionView | null): void {
    if (previous?.status === view.status) return;
    this.statusChange.emit(view.status);
    if (view.status === 'signed') {
      this.signed.emit(view);
    } else if (isEnded(view.status)) {
      this.failed.emit({
        reason: view.status,
        code: view.error?.code ?? view.status.toUpperCase(),
        message: view.error?.message ?? view.status,
        view,
      });
    }
  }
}
