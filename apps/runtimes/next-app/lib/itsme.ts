/**
 * One itsme® Sign instance per server process, created on first use from environment variables (kept on
 * `globalThis` so that `next dev`'s module reloads do not open a new mutual-TLS pool each time).
 */
import { createItsmeSign, type ItsmeSign } from '@itsme-sign/core';

const BASE_PATH = '/api/itsme';
const holder = globalThis as typeof globalThis & { itsmeSign?: ItsmeSign };

function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function itsme(): ItsmeSign {
  holder.itsmeSign ??= createItsmeSign({
    basePath: BASE_PATH,
    redirectUrl: need('ITSME_REDIRECT_URL'), // e.g. https://app.example/api/itsme/callback, registered at itsme®
    statusPageUrl: process.env.ITSME_STATUS_PAGE_URL ?? '/sign/status',
    client: {
      baseUrl: process.env.ITSME_B2B_URL ?? 'production',
      partnerCode: need('ITSME_PARTNER_CODE'),
      serviceCode: need('ITSME_SERVICE_CODE'),
      credentials: { cert: need('ITSME_CLIENT_CERT'), key: need('ITSME_CLIENT_KEY') },
      ...(process.env.ITSME_CA ? { ca: process.env.ITSME_CA } : {}),
    },
    cookie: { secrets: [need('ITSME_COOKIE_SECRET')] },
    // The page signs a digest the browser computed: hash mode from the browser is opt-in.
    allowBrowserDigests: true,
  });
  return holder.itsmeSign;
}

/**
 * `next start` hands route handlers `http://localhost:PORT/…` as `request.url`, whatever the browser used.
 * Core compares the `Origin` of POST/DELETE with the request's origin and sets the cookie's `Secure` flag from
 * its scheme: give it the app's public origin, the one of the registered redirect URL (not a header a client
 * could forge).
 */
function withPublicOrigin(request: Request): Request {
  const { pathname, search } = new URL(request.url);
  const url = new URL(`${pathname}${search}`, new URL(need('ITSME_REDIRECT_URL')).origin);
  const init: RequestInit & { duplex: 'half' } = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    duplex: 'half',
  };
  return new Request(url, init);
}

/** The route handler: core's answer, or a JSON 404 for a path under the mount that is not one of its routes. */
export async function handleItsmeSign(request: Request): Promise<Response> {
  const response = await itsme().handler.handle(withPublicOrigin(request));
  return response ?? Response.json({ error: { code: 'NOT_FOUND', message: 'Not found.' } }, { status: 404 });
}
