/** The demo back end on Express: the itsme® Sign middleware, the documents API and the Angular app. */

import { itsmeSign } from '@itsme-sign/express';
import express from 'express';
import {
  API_BASE,
  BROWSER_DIR,
  type DemoSettings,
  DOCUMENTS_BASE,
  EVIDENCE_BASE,
  hasFrontEnd,
  itsmeOptions,
} from './config.js';
import { MAX_UPLOAD, UploadError } from './documents.js';

export function createExpressApp(settings: DemoSettings): { app: express.Express; close(): Promise<void> } {
  const app = express();
  app.disable('x-powered-by');
  const itsme = itsmeSign(itsmeOptions(settings));
  app.use(API_BASE, itsme);

  app.get(`${EVIDENCE_BASE}/:id`, (req, res) => {
    const record = settings.evidence.get(req.params.id);
    if (!record)
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No record for this session.' } });
    else res.setHeader('cache-control', 'no-store').json(record);
  });
  app.get(DOCUMENTS_BASE, (_req, res) => {
    res.json(settings.library.list());
  });
  app.get(`${DOCUMENTS_BASE}/:id`, (req, res) => {
    const doc = settings.library.get(req.params.id);
    if (!doc) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such document.' } });
      return;
    }
    res.type('application/pdf').setHeader('content-disposition', `inline; filename="${doc.name}"`);
    res.send(Buffer.from(doc.bytes));
  });
  app.post(DOCUMENTS_BASE, express.raw({ type: 'application/pdf', limit: MAX_UPLOAD }), (req, res) => {
    try {
      const name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'document.pdf'));
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.status(201).json(settings.library.upload(name, new Uint8Array(body)));
    } catch (e) {
      const status = e instanceof UploadError ? e.status : 400;
      res.status(status).json({ error: { code: 'INVALID_REQUEST', message: (e as Error).message } });
    }
  });

  if (hasFrontEnd()) {
    app.use(express.static(BROWSER_DIR, { index: 'index.html', maxAge: '1h' }));
    // The Angular router owns every other GET (e.g. /sign/status).
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile('index.html', { root: BROWSER_DIR }));
  } else {
    app.get('/', (_req, res) => {
      res
        .type('text/plain')
        .send('The Angular front end is not built: run `pnpm demo` from the repository root.');
    });
  }
  return { app, close: () => itsme.close() };
}
