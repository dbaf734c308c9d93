import { ChangeDetectionStrategy, Component, computed, inject, type OnInit, signal } from '@angular/core';
import { Router } from '@angular/router';
import { injectSigningSession } from '@itsme-sign/angular';
import type { StartSessionBody } from '@itsme-sign/core/contract';
import { LANGUAGES, type Language, LIMITS } from '@itsme-sign/core/contract/constants';
import { type DemoDocument, DocumentsApi, formatSize } from '../documents';

const LANGUAGE_LABELS: Record<Language, string> = {
  EN: 'English',
  FR: 'Français',
  NL: 'Nederlands',
  DE: 'Deutsch',
};
const MAX_ROLE = LIMITS.signerRole;
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** itsme® shows the role in its app: ISO-8859-1 printable characters only. */
const LATIN1_PRINTABLE = /^[\u0020-\u007e\u00a0-\u00ff]*$/;

@Component({
  selector: 'demo-start-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './start-page.css',
  template: `
    <div class="intro">
      <h1>Sign a PDF with itsme<sup>®</sup></h1>
      <p class="lead">
        Pick a document, say in which capacity you sign, and confirm in the itsme® app.
        You get back the PDF with a qualified electronic signature.
      </p>
    </div>

    <div class="layout">
      <form class="card form" (submit)="sign($event)" novalidate>
        <fieldset class="section">
          <legend class="section-title"><span class="num" aria-hidden="true">1</span> Choose a document</legend>
          @if (loadError()) {
            <p class="error" role="alert">{{ loadError() }}</p>
          }
          <div class="docs">
            @for (doc of documents(); track doc.id) {
              <label class="doc" [class.is-selected]="selectedId() === doc.id" [attr.data-testid]="'doc-option-' + doc.id">
                <input type="radio" name="document" [value]="doc.id" [checked]="selectedId() === doc.id" (change)="selectedId.set(doc.id)" />
                <span class="doc-icon" aria-hidden="true">PDF</span>
                <span class="doc-text">
                  <span class="doc-name">{{ doc.name }}</span>
                  <span class="doc-size">{{ size(doc.size) }}</span>
                </span>
                <a class="doc-preview" [href]="documentUrl(doc.id)" target="_blank" rel="noopener">Preview<span class="visually-hidden"> {{ doc.name }}</span></a>
              </label>
            } @empty {
              @if (!loadError()) {
                <p class="muted">Loading the sample documents…</p>
              }
            }
          </div>
          <label class="upload" [class.is-busy]="uploading()">
            <input type="file" accept="application/pdf,.pdf" data-testid="upload-input" (change)="upload($event)" [disabled]="uploading()" />
            <span class="upload-plus" aria-hidden="true">+</span>
            <span class="upload-text">
              <strong>{{ uploading() ? 'Uploading…' : 'Upload your own PDF' }}</strong>
              <span class="muted">Up to 10 MB. It stays on this demo server.</span>
            </span>
          </label>
          @if (uploadError()) {
            <p class="error" role="alert" data-testid="upload-error">{{ uploadError() }}</p>
          }
        </fieldset>

        <fieldset class="section">
          <legend class="section-title"><span class="num" aria-hidden="true">2</span> Your details</legend>
          <div class="field">
            <label for="signer-role">Signer role <span class="muted">(optional)</span></label>
            <input
              id="signer-role"
              type="text"
              data-testid="signer-role"
              [attr.maxlength]="maxRole"
              placeholder="e.g. Director, on behalf of Acme NV"
              autocomplete="organization-title"
              [value]="role()"
              (input)="role.set($any($event.target).value)"
              [attr.aria-invalid]="roleError() ? 'true' : null"
              aria-describedby="signer-role-hint"
            />
            <p id="signer-role-hint" class="hint" [class.error]="roleError()">
              {{ roleError() || 'Shown in the itsme® app with the signature.' }}
              <span class="counter">{{ role().length }}/{{ maxRole }}</span>
            </p>
          </div>
          <div class="field">
            <label for="lang">Language</label>
            <select id="lang" data-testid="lang-select" (change)="lang.set($any($event.target).value)">
              @for (l of languages; track l.code) {
                <option [value]="l.code" [selected]="l.code === lang()">{{ l.label }}</option>
              }
            </select>
            <p class="hint">Used by itsme® and by the status page.</p>
          </div>
        </fieldset>

        <fieldset class="section">
          <legend class="section-title"><span class="num" aria-hidden="true">3</span> Sign</legend>
          <label class="check">
            <input type="checkbox" data-testid="hash-mode" [checked]="hashMode()" (change)="hashMode.set($any($event.target).checked)" />
            <span>
              <strong>Hash mode</strong>
              <span class="muted">Send only the document's SHA-256; you get the raw signature as JSON instead of a signed PDF.</span>
            </span>
          </label>
          @if (startError()) {
            <p class="error" role="alert" data-testid="start-error">{{ startError() }}</p>
          }
          <button type="submit" class="btn-primary" data-testid="sign-button" [disabled]="!canSign()">
            {{ starting() ? 'Starting…' : 'Sign with itsme®' }}
          </button>
          <p class="muted small">You will confirm who you are at itsme®, then approve the signature on your phone.</p>
        </fieldset>
      </form>

      <aside class="card how" aria-labelledby="how-title">
        <h2 id="how-title">How it works</h2>
        <ol>
          <li><strong>Identify.</strong> itsme® asks for your phone number and you confirm in the app.</li>
          <li><strong>Certificate.</strong> A qualified signing certificate is issued in your name.</li>
          <li><strong>Confirm.</strong> Check that the icon on this screen matches the one in the app, then sign.</li>
          <li><strong>Signed.</strong> The signature is added to the PDF (PAdES). Download it and open it in any PDF reader.</li>
        </ol>
        <p class="muted small">Sandbox: the phone is simulated in a browser tab; nothing here is a real identity.</p>
      </aside>
    </div>
  `,
})
export class StartPage implements OnInit {
  private readonly api = inject(DocumentsApi);
  private readonly router = inject(Router);
  private readonly session = injectSigningSession({ autoRedirect: false });

  readonly languages = LANGUAGES.map((code) => ({ code, label: LANGUAGE_LABELS[code] }));
  readonly maxRole = MAX_ROLE;
  readonly documents = signal<DemoDocument[]>([]);
  readonly selectedId = signal<string | null>(null);
  readonly role = signal('');
  readonly lang = signal<Language>(preferredLanguage());
  readonly hashMode = signal(false);
  readonly uploading = signal(false);
  readonly loadError = signal('');
  readonly uploadError = signal('');
  readonly startError = signal('');
  readonly starting = signal(false);

  readonly roleError = computed(() => {
    const role = this.role();
    if (role.length > MAX_ROLE) return `At most ${MAX_ROLE} characters.`;
    if (!LATIN1_PRINTABLE.test(role)) return 'Use Latin letters, digits and punctuation only (ISO-8859-1).';
    return '';
  });
  readonly canSign = computed(
    () => this.selectedId() !== null && !this.roleError() && !this.starting() && !this.uploading(),
  );

  async ngOnInit(): Promise<void> {
    try {
      const documents = await this.api.list();
      this.documents.set(documents);
      if (documents.length > 0 && this.selectedId() === null) this.selectedId.set(documents[0].id);
    } catch {
      this.loadError.set('The sample documents could not be loaded. Is the demo back end running?');
    }
  }

  size(bytes: number): string {
    return formatSize(bytes);
  }

  documentUrl(id: string): string {
    return this.api.url(id);
  }

  async upload(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    this.uploadError.set('');
    if (!file) return;
    if (file.type !== 'application/pdf' && !file.name.toLowerCase().endsWith('.pdf')) {
      this.uploadError.set('That is not a PDF file.');
      return;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      this.uploadError.set('That file is larger than 10 MB.');
      return;
    }
    this.uploading.set(true);
    try {
      const doc = await this.api.upload(file);
      this.documents.update((docs) => [doc, ...docs.filter((d) => d.id !== doc.id)]);
      this.selectedId.set(doc.id);
    } catch {
      this.uploadError.set('The upload failed. Please try another PDF.');
    } finally {
      this.uploading.set(false);
    }
  }

  async sign(event: Event): Promise<void> {
    event.preventDefault();
    const id = this.selectedId();
    if (!id || !this.canSign()) return;
    this.starting.set(true);
    this.startError.set('');
    try {
      const role = this.role().trim();
      const body: StartSessionBody = this.hashMode()
        ? { digest: await this.api.sha256(id), lang: this.lang() }
        : { documentId: id, lang: this.lang() };
      if (role) body.signerRole = role;
      const name = this.documents().find((d) => d.id === id)?.name;
      if (name) body.documentName = name.slice(0, 200);
      const view = await this.session.start(body);
      if (view) {
        await this.router.navigateByUrl('/sign/status');
        return;
      }
      const error = this.session.error();
      this.startError.set(
        error?.kind === 'network'
          ? 'The server cannot be reached. Please try again.'
          : `The signing could not start: ${error?.message ?? 'unknown error'}${error ? ` (${error.code})` : ''}`,
      );
    } catch {
      this.startError.set('The document could not be read. Please try again.');
    } finally {
      this.starting.set(false);
    }
  }
}

function preferredLanguage(): Language {
  const tag = typeof navigator === 'undefined' ? '' : navigator.language.slice(0, 2).toUpperCase();
  return LANGUAGES.find((code) => code === tag) ?? 'EN';
}
