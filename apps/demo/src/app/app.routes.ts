import type { Routes } from '@angular/router';

export const routes: Routes = [
  {
    path: '',
    title: 'Sign a PDF with itsme® — demo',
    loadComponent: () => import('./pages/start-page').then((m) => m.StartPage),
  },
  {
    path: 'sign/status',
    title: 'Signing — itsme® Sign demo',
    loadComponent: () => import('./pages/status-page').then((m) => m.StatusPage),
  },
  { path: '**', redirectTo: '' },
];
