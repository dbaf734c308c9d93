import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterOutlet } from '@angular/router';

@Component({
  selector: 'demo-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink],
  styleUrl: './app.css',
  template: `
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" routerLink="/" aria-label="itsme® Sign demo, home">
          <span class="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 32 32" width="32" height="32" focusable="false">
              <rect width="32" height="32" rx="8" fill="#FF4612" />
              <path d="M9 17.5l4.5 4.5L23 11" fill="none" stroke="#141414" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
          </span>
          <span class="brand-name">itsme<sup>®</sup> Sign <span class="brand-sub">demo</span></span>
        </a>
        <span class="badge" title="No real identities, no real signatures">Sandbox</span>
      </div>
    </header>
    <main class="main">
      <router-outlet />
    </main>
    <footer class="footer">
      <p>
        This demo talks to an offline itsme® sandbox: the identities, certificates and signatures are test data.
        In production the same code talks to itsme® over mutual TLS.
      </p>
    </footer>
  `,
})
export class App {}
