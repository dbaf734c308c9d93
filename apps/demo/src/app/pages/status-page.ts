import { ChangeDetectionStrategy, Component, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import { ItsmeSignStatusComponent, type SessionView } from '@itsme-sign/angular';
import { DemoI18n } from '../i18n';

/** Where itsme® (through the back end's callback) brings the user back. */
@Component({
  selector: 'demo-status-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItsmeSignStatusComponent, RouterLink],
  styleUrl: './status-page.css',
  template: `
    <a class="back" routerLink="/" data-testid="back-link">{{ t().back }}</a>
    <h1 data-testid="status-heading">{{ t().signingHeading[0] }}itsme<sup>®</sup>{{ t().signingHeading[1] }}</h1>
    <itsme-sign-status class="status" (signed)="signed.set($event)" (restartRequested)="startAgain()" />

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
  `,
})
export class StatusPage {
  private readonly router = inject(Router);
  readonly t = inject(DemoI18n).text;
  readonly signed = signal<SessionView | null>(null);

  constructor() {
    const title = inject(Title);
    effect(() => title.setTitle(this.t().titleStatus));
  }

  startAgain(): void {
    void this.router.navigateByUrl('/');
  }
}
