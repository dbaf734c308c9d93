import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import { ItsmeSignStatusComponent, type SessionView } from '@itsme-sign/angular';
import { firstValueFrom } from 'rxjs';
import { DemoI18n } from '../i18n';

/** What the result page shows of the evidence record the back end kept (core's `SignatureRecord`). */
interface EvidenceRecord {
  signer: { name?: string; serialNumber: string };
  documents: { id: string; name?: string; signedFile?: { name: string; sha256: string } }[];
  itsme: { respID: string };
  times: { signed: string };
}

const EVIDENCE = '/api/demo/evidence';

/** Where itsme® (through the back end's callback) brings the user back. */
@Component({
  selector: 'demo-status-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItsmeSignStatusComponent, RouterLink],
  styleUrl: './status-page.css',
  template: `
    <a class="back" routerLink="/" data-testid="back-link">{{ t().back }}</a>
    <h1 data-testid="status-heading">{{ t().signingHeading[0] }}itsme<sup>®</sup>{{ t().signingHeading[1] }}</h1>
    <itsme-sign-status class="status" (signed)="onSigned($event)" (restartRequested)="startAgain()" />

    @if (signed(); as view) {
      <aside class="card next" data-testid="signed-help">
        @if (view.mode === 'document') {
          <h2>{{ t().checkTitle }}</h2>
          <p>{{ t().checkText[0] }} <code>pdfsig signed.pdf</code>. {{ t().checkText[1] }}</p>
        } @else {
          <h2>{{ t().gotTitle }}</h2>
          <p>{{ t().gotText }}</p>
        }
      </aside>
    }
    @if (record(); as r) {
      <section class="card evidence" data-testid="evidence" aria-labelledby="evidence-title">
        <h2 id="evidence-title">{{ t().evidence.title }}</h2>
        <p class="muted">{{ t().evidence.text }}</p>
        <dl>
          <dt>{{ t().evidence.signer }}</dt>
          <dd data-testid="evidence-signer">{{ r.signer.name ?? '—' }}</dd>
          <dt>{{ t().evidence.serial }}</dt>
          <dd><code>{{ r.signer.serialNumber }}</code></dd>
          <dt>{{ t().evidence.signedAt }}</dt>
          <dd><time [attr.datetime]="r.times.signed">{{ r.times.signed }}</time></dd>
          <dt>{{ t().evidence.itsmeId }}</dt>
          <dd><code>{{ r.itsme.respID }}</code></dd>
          @if (files(r).length > 0) {
            <dt>{{ t().evidence.documents }}</dt>
            <dd>
              <ul class="files">
                @for (f of files(r); track f.name) {
                  <li><span class="file-name">{{ f.name }}</span> <code class="hash">{{ f.sha256 }}</code></li>
                }
              </ul>
            </dd>
          }
        </dl>
        <a [href]="recordUrl()" download="evidence.json" data-testid="evidence-download">{{ t().evidence.download }}</a>
      </section>
    }
  `,
})
export class StatusPage {
  private readonly router = inject(Router);
  private readonly http = inject(HttpClient);
  readonly t = inject(DemoI18n).text;
  readonly signed = signal<SessionView | null>(null);
  readonly record = signal<EvidenceRecord | null>(null);
  readonly recordUrl = signal('');

  constructor() {
    const title = inject(Title);
    effect(() => title.setTitle(this.t().titleStatus));
  }

  async onSigned(view: SessionView): Promise<void> {
    this.signed.set(view);
    const url = `${EVIDENCE}/${encodeURIComponent(view.id)}`;
    try {
      this.record.set(await firstValueFrom(this.http.get<EvidenceRecord>(url)));
      this.recordUrl.set(url);
    } catch {
      // No record (another instance signed it, or the demo was restarted): the page works without it.
    }
  }

  files(r: EvidenceRecord): { name: string; sha256: string }[] {
    return r.documents.flatMap((d) => (d.signedFile ? [d.signedFile] : []));
  }

  startAgain(): void {
    void this.router.navigateByUrl('/');
  }
}
