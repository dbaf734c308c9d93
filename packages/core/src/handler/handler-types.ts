/** The web handler's public types: its settings, what an adapter passes with a request, and the handler itself. */
import type { SigningOrchestrator } from '../session/orchestrator.js';
import type { SigningSession } from '../session/state.js';
import type { CookieOptions } from './cookie.js';
import type { RateLimitOptions } from './rate-limit.js';
import type { PrepareSession } from './start-body.js';

export type HandlerAction = 'start' | 'read' | 'callback' | 'result' | 'cancel';

/** What the web handler itself needs (the orchestrator's settings are the orchestrator's). */
export interface HandlerSettings {
  /** Where the routes are mounted, e.g. `/api/itsme`. Default `''`. */
  basePath?: string;
  /**
   * The app page hosting the status component; the callback redirects the browser there. A path (`/sign/status`)
   * is answered as a relative `Location` (the browser resolves it against the URL it asked for, so behind a
   * proxy it stays on the proxy's origin), or made absolute on `publicOrigin` when that is set.
   */
  statusPageUrl: string;
  /**
   * The origin the browser sees, e.g. `https://app.example`, when it differs from the `Host` the back end is
   * reached at (a dev proxy such as the Angular dev server, a load balancer that rewrites `Host`). When set,
   * the callback redirect is built on it, browser requests from it pass the cross-site check, and the cookie's
   * `secure: 'auto'` follows its host. Default: none (every URL the handler answers is relative).
   */
  publicOrigin?: string;
  cookie: CookieOptions;
  /** Origins allowed to POST/DELETE besides the request's own (cross-site request protection). */
  allowedOrigins?: readonly string[];
  /**
   * Ties sessions to the app's logged-in user: return the user's id (kept as the session's owner and checked
   * on every later request), `undefined` for anonymous use, or `false` to refuse with 403.
   */
  authorize?: (
    request: Request,
    action: HandlerAction,
  ) => Promise<string | undefined | false> | string | undefined | false;
  /**
   * Limits on session starts (`POST {mount}/sessions`, one itsme® call each): per client and for the whole
   * handler, answered `429 RATE_LIMITED` with `Retry-After`. Default: `DEFAULTS.rateLimitPerClient` and
   * `DEFAULTS.rateLimitGlobal` in this process; the client is the `authorize` owner, else (with `trustProxy`)
   * the address your proxy put in `X-Forwarded-For`, else anonymous (the global limit only). Give `limiter`
   * to use your own (e.g. shared by every instance); `false` turns the limits off.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Decides or validates what `POST {mount}/sessions` signs (documents or digests, description, signer role,
   * language, a known user's `userCode`), from the browser's JSON body, the request and the `authorize`
   * owner. See `PrepareSession`. Default: the browser's body as it is (with `allowBrowserDigests`).
   */
  prepareSession?: PrepareSession;
  /**
   * Lets a browser choose the digest to sign (hash mode from the browser's body). Default `false`: itsme®
   * signs whatever digest it is given, so a browser body with `digest`/`digests` is refused (403 FORBIDDEN)
   * unless `prepareSession` decides the subject on the server. Document mode is not affected.
   */
  allowBrowserDigests?: boolean;
  /** Longest long poll (s). Default `DEFAULTS.maxWaitSeconds`, which is also the maximum. */
  maxWaitSeconds?: number;
  /**
   * Called with every unexpected (non-`ItsmeSignError`) failure, for logging; and once with the
   * `INVALID_CONFIG` of a `basePath` that is not the mount path (without `onError`, that one goes to the console).
   */
  onError?: (error: unknown, request: Request) => void;
}

/** The handler around a ready orchestrator (shared with server code). */
export interface WebHandlerOptions extends HandlerSettings {
  orchestrator: SigningOrchestrator;
}

export interface HandleOptions {
  /** The route relative to the mount point (adapters that strip the mount path pass it). */
  path?: string;
  /**
   * The path the adapter's routes are really mounted at (Express `req.baseUrl`). When it differs from
   * `basePath`, the handler answers `INVALID_CONFIG` naming both (the cookie would get a path the browser never
   * sends back).
   */
  mountPath?: string;
  /**
   * The request reached the handler through routes mounted for it alone (Nest middleware): a route outside
   * `basePath` is then a wrong `basePath` (e.g. under Nest's global prefix), answered with `INVALID_CONFIG`.
   */
  mounted?: boolean;
}

export interface ItsmeSignHandler {
  /** Answers a request; `undefined` if it is not one of the handler's routes (let the app handle it). */
  handle(request: Request, options?: HandleOptions): Promise<Response | undefined>;
  readonly orchestrator: SigningOrchestrator;
  readonly basePath: string;
  /**
   * The `Set-Cookie` value that binds a session started from server code (`orchestrator.start`) to the browser
   * making `request`, so the routes and the status component can follow it.
   */
  sessionCookie(session: SigningSession, request: Request): string;
  /** Closes what the handler was created with, if it owns it (`createItsmeSignHandler` with options). */
  close(): Promise<void>;
}
