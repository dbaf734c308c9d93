import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  type OnInit,
  signal,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router } from '@angular/router';
import { injectSigningSession, type StartSessionBody } from '@itsme-sign/angular';
import { LANGUAGES, type Language, LIMITS, MAX_DOCUMENTS } from '@itsme-sign/core/contract/constants';
import { type DemoDocument, DocumentsApi, formatSize } from '../documents';
import { DEMO_TEXT, DemoI18n } from '../i18n';

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
      <h1 data-testid="start-heading">{{ t().heading[0] }}itsme<sup>®</sup>{{ t().heading[1] }}</h1>
      <p class="lead">{{ t().lead }}</p>
    </div>

    <div class="layout">
      <form class="card form" (submit)="sign($event)" novalidate>
        <fieldset class="section">
          <legend class="section-title"><span class="num" aria-hidden="true">1</span> {{ t().chooseDocument }}</legend>
          @if (loadError()) {
            <p class="error" role="alert">{{ loadError() }}</p>
          }
          <p class="hint" id="batch-hint">{{ t().batchHint }}</p>
          <div class="docs" aria-describedby="batch-hint">
            @for (doc of documents(); track doc.id) {
              <label class="doc" [class.is-selected]="isSelected(doc.id)" [attr.data-testid]="'doc-option-' + doc.id">
                <input type="checkbox" name="document" [value]="doc.id" [checked]="isSelected(doc.id)" (change)="toggle(doc.id, $any($event.target).checked)" />
                <span class="doc-icon" aria-hidden="true">PDF</span>
                <span class="doc-text">
                  <span class="doc-name">{{ doc.name }}</span>
                  <span class="doc-size">{{ size(doc.size) }}</span>
                </span>
                <a class="doc-preview" [href]="documentUrl(doc.id)" target="_blank" rel="noopener">{{ t().preview }}<span class="visually-hidden"> {{ doc.name }}</span></a>
              </label>
            } @empty {
              @if (!loadError()) {
                <p class="muted">{{ t().loadingDocuments }}</p>
              }
            }
          </div>
          <label class="upload" [class.is-busy]="uploading()">
            <input type="file" accept="application/pdf,.pdf" data-testid="upload-input" (change)="upload($event)" [disabled]="uploading()" />
            <span class="upload-plus" aria-hidden="true">+</span>
            <span class="upload-text">
              <strong>{{ uploading() ? t().uploading : t().uploadOwn }}</strong>
              <span class="muted">{{ t().uploadHint }}</span>
            </span>
          </label>
          @if (uploadError()) {
            <p class="error" role="alert" data-testid="upload-error">{{ uploadError() }}</p>
          }
        </fieldset>

        <fieldset class="section">
          <legend class="section-title"><span class="num" aria-hidden="true">2</span> {{ t().yourDetails }}</legend>
          <div class="field">
            <label for="signer-role">{{ t().signerRole }} <span class="muted">{{ t().optional }}</span></label>
            <input
              id="signer-role"
              type="text"
              data-testid="signer-role"
              [attr.maxlength]="maxRole"
              [placeholder]="t().rolePlaceholder"
              autocomplete="organization-title"
              [value]="role()"
              (input)="role.set($any($event.target).value)"
              [attr.aria-invalid]="roleError() ? 'true' : null"
              aria-describedby="signer-role-hint"
            />
            <p id="signer-role-hint" class="hint" [class.error]="roleError()">
              {{ roleError() || t().roleHint }}
              <span class="counter">{{ role().length }}/{{ maxRole }}</span>
            </p>
          </div>
          <div class="field">
            <label for="lang">{{ t().language }}</label>
            <select id="lang" data-testid="lang-select" (change)="i18n.set($any($event.target).value)">
              @for (l of languages; track l.code) {
                <option [value]="l.code" [selected]="l.code === lang()" [attr.lang]="l.htmlLang">{{ l.label }}</option>
              }
            </select>
            <p class="hint">{{ t().languageHint }}</p>
          </div>
        </fieldset>

        <fieldset class="section">
          <legend class="section-title"><span class="num" aria-hidden="true">3</span> {{ t().signSection }}</legend>
          <label class="check">
            <input type="checkbox" data-testid="hash-mode" [checked]="hashMode()" (change)="hashMode.set($any($event.target).checked)" />
            <span>
              <strong>{{ t().hashMode }}</strong>
              <span class="muted">{{ t().hashModeHint }}</span>
            </span>
          </label>
          @if (startError()) {
            <p class="error" role="alert" data-testid="start-error">{{ startError() }}</p>
          }
          <button type="submit" class="btn-primary" data-testid="sign-button" [disabled]="!canSign()">
            {{ starting() ? t().starting : selectedIds().length > 1 ? t().signMany(selectedIds().length) : t().signButton }}
          </button>
          <p class="muted small">{{ t().signHint }}</p>
        </fieldset>
      </form>

      <aside class="card how" aria-labelledby="how-title">
        <h2 id="how-title">{{ t().howTitle }}</h2>
        <ol>
          @for (step of t().how; track $index) {
            <li><strong>{{ step[0] }}</strong> {{ step[1] }}</li>
          }
        </ol>
        <p class="muted small">{{ t().sandboxNote }}</p>
      </aside>
    </div>
  `,
})
export class StartPage implements OnInit {
  private readonly api = inject(DocumentsApi);
  private readonly router = inject(Router);
  private readonly session = injectSigningSession({ autoRedirect: false });
  protected readonly i18n = inject(DemoI18n);
  readonly t = this.i18n.text;

  readonly languages = LANGUAGES.map((code) => ({
    code,
    label: LANGUAGE_LABELS[code],
    htmlLang: DEMO_TEXT[code].htmlLang,
  }));
  readonly maxRole = MAX_ROLE;
  readonly documents = signal<DemoDocument[]>([]);
  /** The ticked documents, in the order of the list. */
  readonly selectedIds = signal<string[]>([]);
  readonly role = signal('');
  readonly lang = this.i18n.lang;
  readonly hashMode = signal(false);
  readonly uploading = signal(false);
  readonly loadError = signal('');
  readonly uploadError = signal('');
  readonly startError = signal('');
  readonly starting = signal(false);

  readonly roleError = computed(() => {
    const role = this.role();
    if (role.length > MAX_ROLE) return this.t().roleTooLong(MAX_ROLE);
    if (!LATIN1_PRINTABLE.test(role)) return this.t().roleLatin1;
    return '';
  });
  readonly canSign = computed(
    () =>
      this.selectedIds().length > 0 &&
      this.selectedIds().length <= MAX_DOCUMENTS &&
      !this.roleError() &&
      !this.starting() &&
      !this.uploading(),
  );

  isSelected(id: string): boolean {
    return this.selectedIds().includes(id);
  }

  toggle(id: string, checked: boolean): void {
    const order = this.documents().map((d) => d.id);
    this.selectedIds.update((ids) =>
      (checked ? [...new Set([...ids, id])] : ids.filter((x) => x !== id)).sort(
        (a, b) => order.indexOf(a) - order.indexOf(b),
      ),
    );
  }

  constructor() {
    const title = inject(Title);
    effect(() => title.setTitle(this.t().titleStart));
  }

  async ngOnInit(): Promise<void> {
    try {
      const documents = await this.api.list();
      this.documents.set(documents);
      if (documents.length > 0 && this.selectedIds().length === 0) this.selectedIds.set([documents[0].id]);
    } catch {
      this.loadError.set(this.t().loadError);
    }
  }

  /** One document: its id (or digest) and name; several: the lists, signed with one approval. */
  private async startBody(ids: string[]): Promise<StartSessionBody> {
    const role = this.role().trim();
    const names = ids.map((id) => (this.documents().find((d) => d.id === id)?.name ?? id).slice(0, 200));
    const hash = this.hashMode();
    const body: StartSessionBody =
      ids.length === 1
        ? {
            ...(hash ? { digest: await this.api.sha256(ids[0]) } : { documentId: ids[0] }),
            documentName: names[0],
          }
        : {
            ...(hash
              ? { digests: await Promise.all(ids.map((id) => this.api.sha256(id))) }
              : { documentIds: ids }),
            documentNames: names,
          };
    return { ...body, lang: this.lang(), ...(role ? { signerRole: role } : {}) };
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
      this.uploadError.set(this.t().notPdf);
      return;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      this.uploadError.set(this.t().tooLarge);
      return;
    }
    this.uploading.set(true);
    try {
      const doc = await this.api.upload(file);
      this.documents.update((docs) => [doc, ...docs.filter((d) => d.id !== doc.id)]);
      this.selectedIds.set([doc.id]);
    } catch {
      this.uploadError.set(this.t().uploadFailed);
    } finally {
      this.uploading.set(false);
    }
  }

  async sign(event: Event): Promise<void> {
    event.preventDefault();
    const ids = this.selectedIds();
    if (ids.length === 0 || !this.canSign()) return;
    this.starting.set(true);
    this.startError.set('');
    try {
      const body = await this.startBody(ids);
      const view = await this.session.start(body);
      if (view) {
        await this.router.navigateByUrl('/sign/status');
        return;
      }
      const error = this.session.error();
      this.startError.set(
        error?.kind === 'network'
          ? this.t().unreachable
          : this.t().cannotStart(`${error?.message ?? 'unknown error'}${error ? ` (${error.code})` : ''}`),
      );
    } catch {
      this.startError.set(this.t().unreadable);
    } finally {
      this.starting.set(false);
    }
  }
}
