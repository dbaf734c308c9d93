import { provideHttpClient, withFetch } from '@angular/common/http';
import {
  type ApplicationConfig,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideItsmeSign, withItsmeSignMessages } from '@itsme-sign/angular';
import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideHttpClient(withFetch()),
    provideRouter(routes, withComponentInputBinding()),
    provideItsmeSign(
      { baseUrl: '/api/itsme' },
      // The demo signs PDFs: say so on the download button.
      withItsmeSignMessages({
        EN: { downloadDocument: 'Download signed PDF' },
        FR: { downloadDocument: 'Télécharger le PDF signé' },
        NL: { downloadDocument: 'Ondertekende pdf downloaden' },
        DE: { downloadDocument: 'Signiertes PDF herunterladen' },
      }),
    ),
  ],
};
