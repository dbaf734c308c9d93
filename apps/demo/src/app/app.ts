import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterOutlet } from '@angular/router';
import { DemoI18n } from './i18n';

@Component({
  selector: 'demo-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink],
  styleUrl: './app.css',
  template: `
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" routerLink="/" [attr.aria-label]="t().home">
          <span class="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 32 32" width="32" height="32" focusable="false">
              <rect width="32" height="32" rx="8" fill="#FF4612" />
              <path d="M9 17.5l4.5 4.5L23 11" fill="none" stroke="#141414" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
          </span>
          <span class="brand-name">itsme<sup>®</sup> Sign <span class="brand-sub">{{ t().brandSub }}</span></span>
        </a>
        <span class="badge" [title]="t().badgeTitle">{{ t().badge }}</span>
      </div>
    </header>
    <main class="main">
      <router-outlet />
    </main>
    <footer class="footer">
      <p data-testid="demo-footer">{{ t().footer }}</p>
    </footer>
  `,
})
export class App {
  readonly t = inject(DemoI18n).text;
}
