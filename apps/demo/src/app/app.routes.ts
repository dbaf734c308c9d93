import type { Routes } from '@angular/router';

/** The pages set their own title, in the language the user picked (`DemoI18n`). */
export const routes: Routes = [
  {
    path: '',
    loadComponent: () => import('./pages/start-page').then((m) => m.StartPage),
  },
  {
    path: 'sign/status',
    loadComponent: () => import('./pages/status-page').then((m) => m.StatusPage),
  },
  { path: '**', redirectTo: '' },
];
