/**
 * The web handler: Web `Request` in, Web `Response` out. The only HTTP logic of the project — the Express
 * and NestJS adapters mount it. Routes (relative to `basePath`) are listed in `../contract/index.ts`.
 */
import { DEFAULTS } from '../config.js';
import { MAX_WAIT_SECONDS, ROUTES, type SessionView } from '../contract/index.js';
import { type ErrorCode, ItsmeSignError, isItsmeSignError } from '../errors.js';
import { isFinalStatus, type SigningSession } from '../session/state.js';
import { normalizeBasePath } from './base-path.js';
import { SessionCookie } from './cookie.js';
import type { HandleOptions, HandlerAction, ItsmeSignHandler, WebHandlerOptions } from './handler-types.js';
import { startLimiter } from './rate-limit.js';
import {
  crossSiteMessage,
  isPeek,
  mountPathError,
  mountSpelledOtherwise,
  parseOrigin,
  readLimited,
  splitMounted,
} from './request-guards.js';
import {
  ANSWER,
  type Answer,
  type AnsweringHandler,
  hookRequest,
  type RequestLike,
  type TextAnswer,
  webRequest,
} from './request-like.js';
import { textResponse } from './response-text.js';
import { archiveResponse, resultResponse } from './results.js';
import { startInput } from './start-body.js';
import { resultUrls, toSessionView } from './view.js';

export type {
  HandleOptions,
  HandlerAction,
  HandlerSettings,
  ItsmeSignHandler,
  WebHandlerOptions,
} from './handler-types.js';
export {
  addressKey,
  MemoryRateLimiter,
  type RateLimit,
  type RateLimitDecision,
  type RateLimitOptions,
  type StartRateLimiter,
} from './rate-limit.js';
export { mountPathError } from './request-guards.js';
export type { PrepareSession, SessionPlan } from './start-body.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

type Route = (request: RequestLike, query: URLSearchParams) => Promise<Answer>;

/** A URL whose path needs no normalising (no `.`, `%` or `\\`): its path and query read without parsing it. */
const PLAIN_URL = /^[a-z][a-z\d+.-]*:\/\/[^/?#\\]*(\/[\w/-]*)(?:\?([^#]*))?$/i;

/** The path and query of an absolute URL, as `new URL(url)` gives them (parsed only when the path is not plain). */
function pathAndQuery(url: string): { pathname: string; query: string } {
  const plain = PLAIN_URL.exec(url);
  if (plain) return { pathname: plain[1] as string, query: plain[2] ?? '' };
  const parsed = new URL(url);
  return { pathname: parsed.pathname, query: parsed.search };
}

/** A handler's answer as a Web `Response`. */
const toResponse = (answer: Answer): Response =>
  answer instanceof Response ? answer : textResponse(answer.text, answer);

/**
 * The web handler around a ready orchestrator. Its `close()` closes nothing: the orchestrator, its client and
 * its store belong to whoever created them (`createItsmeSign`, or the app).
 */
export function createWebHandler(options: WebHandlerOptions): ItsmeSignHandler {
  const basePath = normalizeBasePath(options.basePath);
  if (!options.statusPageUrl) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: 'statusPageUrl is required.',
      field: 'statusPageUrl',
    });
  }
  const publicOrigin = options.publicOrigin === undefined ? undefined : parseOrigin(options.publicOrigin);
  const cookie = new SessionCookie(options.cookie, basePath || '/', publicOrigin);
  const orchestrator = options.orchestrator;
  const maxWait = Math.min(options.maxWaitSeconds ?? DEFAULTS.maxWaitSeconds, MAX_WAIT_SECONDS);
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => new URL(o).origin));
  if (publicOrigin) allowedOrigins.add(publicOrigin);
  const statusPageAbsolute =
    /^[a-z][a-z\d+.-]*:/i.test(options.statusPageUrl) || options.statusPageUrl.startsWith('//');
  /** Reported once through `onError` (or the console): a wrong basePath is a deployment fault, not a request's. */
  let mountReported = false;
  const mountFault = (error: ItsmeSignError, request: RequestLike): Answer => {
    if (!mountReported) {
      mountReported = true;
      if (options.onError) options.onError(error, hookRequest(request));
      else console.error(`[itsme-sign] ${error.message}`);
    }
    return errorResponse(error, request);
  };
  const urls = resultUrls(basePath);
  const limitStart = startLimiter(options.rateLimit);
  // The cookie lives as long as the store keeps the session (on the orchestrator's clock).
  const cookieMaxAge = (s: SigningSession) => Math.ceil(orchestrator.retentionMs(s) / 1000);

  const json = (body: unknown, status = 200, headers: Record<string, string> = {}): TextAnswer => {
    const text = JSON.stringify(body);
    return {
      status,
      headers: { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers },
      text,
    };
  };

  const errorResponse = (error: unknown, request: RequestLike): Answer => {
    let e: ItsmeSignError;
    if (isItsmeSignError(error)) {
      e = error;
    } else {
      options.onError?.(error, hookRequest(request));
      e = new ItsmeSignError('INTERNAL_ERROR');
    }
    // A retryable refusal that knows when to come back says so (RATE_LIMITED, itsme®'s own Retry-After).
    const retryAfter =
      e.retryable && e.retryAfterMs !== undefined
        ? { 'retry-after': String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))) }
        : undefined;
    return json({ error: e.toJSON() }, e.status, retryAfter);
  };

  const fail = (code: ErrorCode, message?: string, field?: string): never => {
    throw new ItsmeSignError(code, { ...(message ? { message } : {}), ...(field ? { field } : {}) });
  };

  /** Cross-site request protection for state-changing routes (Fetch Metadata, then Origin). */
  const checkSameOrigin = (request: RequestLike): void => {
    const site = request.headers.get('sec-fetch-site');
    const origin = request.headers.get('origin');
    const own = new URL(request.url).origin;
    if (origin && origin !== 'null' && (origin === own || allowedOrigins.has(origin))) return;
    if (site === 'cross-site' || site === 'same-site' || (origin && origin !== own))
      fail('FORBIDDEN', crossSiteMessage(origin, own, site));
  };

  const owner = async (request: RequestLike, action: HandlerAction): Promise<string | undefined> => {
    if (!options.authorize) return undefined;
    const who = await options.authorize(webRequest(request), action);
    if (who === false) fail('FORBIDDEN');
    return who || undefined;
  };

  /** This browser's session: cookie signature, existence and owner all checked. */
  const ownSession = async (request: RequestLike, action: HandlerAction): Promise<SigningSession> => {
    const id = cookie.read(request);
    if (!id) return fail('SESSION_NOT_FOUND');
    const who = await owner(request, action);
    const session = await orchestrator.get(id);
    if (!session || (session.owner ?? undefined) !== who) return fail('SESSION_NOT_FOUND');
    return session;
  };

  const view = (s: SigningSession): SessionView => toSessionView(s, urls);
  /**
   * The answer of a session's view. A frozen session (the memory store's: a new object for every version) is
   * rendered once: a browser polls an unchanged session again and again.
   */
  const viewAnswers = new WeakMap<SigningSession, TextAnswer>();
  const viewAnswer = (s: SigningSession): TextAnswer => {
    if (!Object.isFrozen(s)) return json(view(s));
    let answer = viewAnswers.get(s);
    if (!answer) {
      answer = json(view(s));
      Object.freeze(answer.headers);
      viewAnswers.set(s, Object.freeze(answer));
    }
    return answer;
  };

  async function readJson(request: Request): Promise<unknown> {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) fail('INVALID_REQUEST', 'The body must be application/json.');
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > DEFAULTS.maxBodyBytes) fail('INVALID_REQUEST', 'The body is too large.');
    const text = await readLimited(request, DEFAULTS.maxBodyBytes);
    try {
      return JSON.parse(text);
    } catch {
      return fail('INVALID_REQUEST', 'The body is not valid JSON.');
    }
  }

  async function start(head: RequestLike): Promise<Answer> {
    checkSameOrigin(head);
    const request = webRequest(head);
    const who = await owner(request, 'start');
    const limited = await limitStart?.(request, who);
    if (limited && !limited.allowed)
      throw new ItsmeSignError('RATE_LIMITED', { retryAfterMs: limited.retryAfterMs });
    const input = await startInput(await readJson(request), request, who, {
      prepareSession: options.prepareSession,
      allowBrowserDigests: options.allowBrowserDigests,
      hasDocumentMode: orchestrator.hasDocumentMode,
    });
    const session = await orchestrator.start({
      ...input,
      ...(who ? { owner: who } : {}),
      signal: request.signal,
    });
    return json(view(session), 201, {
      'set-cookie': cookie.serialize(session.id, request, cookieMaxAge(session)),
    });
  }

  async function read(request: RequestLike, query: URLSearchParams): Promise<Answer> {
    const session = await ownSession(request, 'read');
    const waitParam = query.get('wait');
    const versionParam = query.get('version');
    const wait = waitParam === null ? 0 : Number(waitParam);
    if (!Number.isFinite(wait) || wait < 0)
      fail('INVALID_REQUEST', 'wait must be a number of seconds.', 'wait');
    const known = versionParam === null ? session.version : Number(versionParam);
    if (!Number.isInteger(known)) fail('INVALID_REQUEST', 'version must be an integer.', 'version');
    const current =
      wait > 0
        ? await orchestrator.waitForChange(
            session.id,
            known,
            Math.min(wait, maxWait) * 1000,
            webRequest(request).signal,
          )
        : isFinalStatus(session.status)
          ? session
          : await orchestrator.advance(session.id);
    if (!current) return fail('SESSION_NOT_FOUND');
    return viewAnswer(current);
  }

  async function callback(request: RequestLike): Promise<Answer> {
    const target = new URL(options.statusPageUrl, publicOrigin ?? request.url);
    try {
      const id = cookie.read(request);
      const who = id && (await owner(request, 'callback'));
      const session = id ? await orchestrator.get(id) : undefined;
      if (!id || !session || (session.owner ?? undefined) !== (who || undefined))
        target.searchParams.set('error', 'SESSION_NOT_FOUND');
      // A HEAD request or a prefetch is not the user coming back: it changes nothing.
      else if (!isPeek(request)) await orchestrator.userReturned(id);
    } catch (error) {
      target.searchParams.set('error', isItsmeSignError(error) ? error.code : 'INTERNAL_ERROR');
      if (!isItsmeSignError(error)) options.onError?.(error, hookRequest(request));
    }
    return seeOther(target);
  }

  /** 303 to the app's page: a path stays relative unless publicOrigin says where the browser is. */
  function seeOther(target: URL): Response {
    // Behind a proxy the browser resolves a relative location against the proxy's URL it asked for, not
    // against the back end's Host.
    const location =
      statusPageAbsolute || publicOrigin ? target.href : `${target.pathname}${target.search}${target.hash}`;
    return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
  }

  /** `GET /session/go?target=signing`: records that the user is sent to sign, then sends them to itsme®. */
  async function go(request: RequestLike, query: URLSearchParams): Promise<Answer> {
    if (query.get('target') !== 'signing') fail('INVALID_REQUEST', 'target must be signing.', 'target');
    const session = await ownSession(request, 'read');
    const sent = isPeek(request) ? { session } : await orchestrator.userSent(session.id);
    if (sent.signingUrl) {
      return new Response(null, {
        status: 303,
        headers: { location: sent.signingUrl, 'cache-control': 'no-store' },
      });
    }
    // Not (or no longer) signing: back to the app's page, which shows what comes next.
    return seeOther(new URL(options.statusPageUrl, publicOrigin ?? request.url));
  }

  async function result(request: RequestLike, query: URLSearchParams): Promise<Answer> {
    const session = await ownSession(request, 'result');
    return resultResponse(orchestrator, session, query.get('document') ?? undefined, (body) => json(body));
  }

  async function archive(request: RequestLike): Promise<Answer> {
    return archiveResponse(orchestrator, await ownSession(request, 'result'));
  }

  async function cancel(request: RequestLike): Promise<Answer> {
    checkSameOrigin(request);
    const session = await ownSession(request, 'cancel');
    const cancelled = await orchestrator.cancel(session.id);
    if (!cancelled) return fail('SESSION_NOT_FOUND');
    return json(view(cancelled));
  }

  /** The routes by path, then by method (`Allow` lists a route's methods in this order). */
  const routes = new Map<string, Readonly<Record<string, Route>>>([
    [ROUTES.sessions, { POST: start }],
    [ROUTES.session, { GET: read, HEAD: read, DELETE: cancel }],
    [ROUTES.callback, { GET: callback, HEAD: callback }],
    [ROUTES.go, { GET: go }],
    [ROUTES.result, { GET: result, HEAD: result }],
    [ROUTES.resultArchive, { GET: archive, HEAD: archive }],
  ]);

  async function answer(
    request: RequestLike,
    handleOptions: HandleOptions = {},
  ): Promise<Answer | undefined> {
    const { pathname, query } = pathAndQuery(request.url);
    let path = handleOptions.path;
    let mountPath = handleOptions.mountPath;
    if (path === undefined) {
      if (basePath && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) {
        const mounted = handleOptions.mounted ? splitMounted(pathname) : undefined;
        if (!mounted) return undefined;
        ({ route: path, mount: mountPath } = mounted);
      } else {
        path = pathname.slice(basePath.length);
      }
    }
    const route = routes.get(path.replace(/\/+$/, '') || '/');
    if (!route) return undefined;
    if (mountPath !== undefined && mountSpelledOtherwise(basePath, mountPath)) return undefined;
    const wrongMount = mountPath === undefined ? undefined : mountPathError(basePath, mountPath);
    if (wrongMount) return mountFault(wrongMount, request);
    try {
      const fn = route[request.method.toUpperCase()];
      if (!fn) {
        return json({ error: new ItsmeSignError('METHOD_NOT_ALLOWED').toJSON() }, 405, {
          allow: Object.keys(route).join(', '),
        });
      }
      return await fn(request, new URLSearchParams(query));
    } catch (error) {
      return errorResponse(error, request);
    }
  }

  const handler: AnsweringHandler = {
    basePath,
    orchestrator,
    sessionCookie: (session, request) => cookie.serialize(session.id, request, cookieMaxAge(session)),
    async handle(request, handleOptions) {
      const answered = await answer(request, handleOptions);
      return answered && toResponse(answered);
    },
    [ANSWER]: answer,
    async close() {},
  };
  return handler;
}
