/**
 * What the handler checks of a request before any route runs: the mount path against `basePath`, the
 * configured public origin, cross-site requests, HEAD/prefetch "peeks", and the body's size.
 */
import { ROUTES } from '../contract/constants.js';
import { ItsmeSignError } from '../errors.js';
import type { RequestLike } from './request-like.js';

/**
 * The mount check of the adapters: `basePath` against the path the routes are really mounted at. An
 * `INVALID_CONFIG` error that names both when they differ, else `undefined`.
 */
const normMount = (p: string) => p.replace(/\/+$/, '') || '/';

/**
 * The mount path is the base path spelled with other letter cases (a case-insensitive router, Express's
 * default, matched `/API/ITSME` for `/api/itsme`): not a deployment fault, and not a request for our routes
 * (the browser sends the cookie to the base path's own spelling only).
 */
export function mountSpelledOtherwise(basePath: string, mountPath: string): boolean {
  const base = normMount(basePath);
  const mount = normMount(mountPath);
  return base !== mount && base.toLowerCase() === mount.toLowerCase();
}

export function mountPathError(basePath: string, mountPath: string): ItsmeSignError | undefined {
  const norm = normMount;
  if (norm(basePath) === norm(mountPath)) return undefined;
  return new ItsmeSignError('INVALID_CONFIG', {
    message:
      `basePath is '${norm(basePath)}' but the routes are mounted at '${norm(mountPath)}': set basePath to ` +
      `'${norm(mountPath)}' (the session cookie's path and the result URL are built from basePath, so the ` +
      'browser would never send the cookie back).',
    field: 'basePath',
  });
}

/** The route a mounted request asks for and the mount path in front of it (longest route first). */
export function splitMounted(pathname: string): { mount: string; route: string } | undefined {
  const path = pathname.replace(/\/+$/, '');
  const routes = Object.values(ROUTES).sort((a, b) => b.length - a.length);
  const route = routes.find((r) => path.endsWith(r));
  return route === undefined ? undefined : { mount: path.slice(0, -route.length), route };
}

/** `publicOrigin` as an origin (`https://app.example`), or an `INVALID_CONFIG` error. */
export function parseOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/+$/, '')) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: `publicOrigin must be an origin such as 'https://app.example' (scheme and host, no path), got '${value}'.`,
      field: 'publicOrigin',
    });
  }
  return url.origin;
}

/** A HEAD request or a browser prefetch (`Sec-Purpose`/`Purpose: prefetch`): it must change nothing. */
export const isPeek = (request: RequestLike): boolean =>
  request.method.toUpperCase() === 'HEAD' ||
  /prefetch|prerender/i.test(
    `${request.headers.get('sec-purpose') ?? ''} ${request.headers.get('purpose') ?? ''}`,
  );

/** Reads a body as text, stopping (and cancelling the stream) as soon as it passes `max` bytes. */
export async function readLimited(request: Request, max: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new ItsmeSignError('INVALID_REQUEST', { message: 'The body is too large.' });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a state-changing request was refused, and what to change if it was the app's own page. */
export function crossSiteMessage(origin: string | null, own: string, site: string | null): string {
  const from =
    origin && origin !== 'null' ? `from ${origin}` : `(Sec-Fetch-Site: ${site ?? 'none'}, no Origin)`;
  return (
    `Cross-site request ${from} refused: this server is ${own}. If that is your app's page, add its origin ` +
    "to allowedOrigins (or set publicOrigin); behind a dev proxy, keep the proxy's changeOrigin false so the " +
    'Host header stays the one the browser used.'
  );
}
