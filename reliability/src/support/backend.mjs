// A real back end for the crash-and-restart test: Express + @itsme-sign/express + the Redis session store,
// run from the built packages (`dist/`), like an app in production. Configuration comes as JSON in
// ITSME_BACKEND_CONFIG; it prints `ready <port>` once it listens.
import { readFileSync } from 'node:fs';
import { itsmeSign } from '@itsme-sign/express';
import { RedisSessionStore } from '@itsme-sign/redis';
import express from 'express';

const config = JSON.parse(process.env.ITSME_BACKEND_CONFIG ?? '{}');
const BASE = '/api/itsme';

const app = express();
const server = app.listen(config.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address();
  const redirectUrl = `http://127.0.0.1:${port}${BASE}/callback`;
  app.use(
    BASE,
    itsmeSign({
      basePath: BASE,
      client: {
        baseUrl: config.b2bUrl,
        partnerCode: config.partnerCode,
        serviceCode: config.serviceCode,
        credentials: { cert: readFileSync(config.certFile), key: readFileSync(config.keyFile) },
        ca: readFileSync(config.caFile),
        timeoutMs: 2_000,
      },
      store: new RedisSessionStore({ redis: config.redisUrl }),
      redirectUrl,
      statusPageUrl: '/sign/status',
      cookie: { secrets: [config.cookieSecret] },
      allowBrowserDigests: true,
      pollIntervalMs: 200,
    }),
  );
  app.get('/sign/status', (_req, res) => {
    res.type('text/plain').send('status page');
  });
  process.stdout.write(`ready ${port}\n`);
});
