import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ItsmeSignStatusComponent } from '@itsme-sign/angular';
import type { SessionView } from '@itsme-sign/core/contract';

/** Where itsme® (through the back end's callback) brings the user back. */
@Component({
  selector: 'demo-status-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItsmeSignStatusComponent, RouterLink],
  styleUrl: './status-page.css',
  template: `
    <a class="back" routerLink="/">← Sign another document</a>
    <h1>Signing with itsme<sup>®</sup></h1>
    <itsme-sign-status class="status" (signed)="signed.set($event)" (restartRequested)="startAgain()" />

    @if (signed(); as view) {
      <aside class="card next" data-testid="signed-help">
        @if (view.mode === 'document') {
          <h2>Check the signature yourself</h2>
          <p>
            Open the PDF in a PDF reader and look at the signature panel, or run
            <code>pdfsig signed.pdf</code>. The signature is a PAdES signature with a qualified certificate from the
            sandbox's test authority, so readers will say it is not from a trusted authority.
          </p>
        } @else {
          <h2>What you got</h2>
          <p>
            The JSON holds the raw signature value over the digest you sent and the signer's certificate chain.
            Your back end puts them into the signature container (CAdES, PAdES, XAdES).
          </p>
        }
      </aside>
    }
  `,
})
export class StatusPage {
  private readonly router = inject(Router);
  readonly signed = signal<SessionView | null>(null);

  startAgain(): void {
    void this.router.navigateByUrl('/');
  }
}
