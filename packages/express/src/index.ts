/**
 * Express middleware for itsme® Sign: mounts the `@itsme-sign/core` web handler. Works with Express 4 and 5.
 *
 *   app.use('/api/itsme', itsmeSign({ basePath: '/api/itsme', ...options }));
 */
import {
  adapterHandler,
  addressKey,
  ItsmeSignError,
  type ItsmeSignHandler,
  type ItsmeSignHandlerOptions,
  isItsmeSignError,
  ROUTES,
} from '@itsme-sign/core';
import { answerNode, hookRequest, nodeRequest, type RequestLike, toWebRequest } from '@itsme-sign/core/node';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

export type ItsmeSignMiddleware = RequestHandler & {
  /** The core handler (its `orchestrator` drives sessions from server code). */
  readonly handler: ItsmeSignHandler;
  /**
   * Answers, as JSON without a stack, the errors raised on the handler's routes by middleware that ran before
   * it (a body parser mounted app-wide that fails on a malformed or oversized body): mount it after the
   * middleware, `app.use('/api/itsme', middleware, middleware.errors)`. Errors elsewhere go on to the app's.
   */
  readonly errors: ErrorRequestHandler;
  /** Closes the B2B client and the session store the middleware created. */
  close(): Promise<void>;
};

const addresses = new WeakMap<globalThis.Request, string>();

/**
 * The client's address of a Web request the middleware made (Express's `req.ip`, which follows the app's
 * `trust proxy` setting; an IPv6 address by its /64, one subscriber), for `rateLimit.clientKey`: a Web
 * `Request` carries no address of its own.
 *
 *   itsmeSign({ …, rateLimit: { clientKey: (request, owner) => owner ?? clientAddress(request) } })
 */
export function clientAddress(request: globalThis.Request): string | undefined {
  return addresses.get(request);
}

/**
 * Returns middleware that answers the itsme® Sign routes under the path it is mounted at, and passes
 * every other request on. `options.basePath` must be that mount path (it scopes the cookie and the result URL):
 * a different one is answered with one `INVALID_CONFIG` naming both (`req.baseUrl` against `basePath`).
 */
export function itsmeSign(options: ItsmeSignHandlerOptions | ItsmeSignHandler): ItsmeSignMiddleware {
  const isHandler = typeof (options as ItsmeSignHandler).handle === 'function';
  const handler = adapterHandler(options);

  const onError = isHandler ? undefined : (options as ItsmeSignHandlerOptions).onError;
  const routes = new Set<string>(Object.values(ROUTES));
  /** The request asks for one of the handler's routes (decided on Express's parsed path alone). */
  const isOwnRoute = (req: Request): boolean => {
    const path = req.baseUrl ? req.path : req.path.slice(handler.basePath.length);
    const underBase = req.baseUrl !== '' || req.path.startsWith(`${handler.basePath}/`);
    return underBase && routes.has(path.replace(/\/+$/, '') || '/');
  };

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    let request: RequestLike;
    try {
      // The Web request is made only if a route or hook needs it (not on a status poll).
      request = nodeRequest(req, res, (made) => {
        if (req.ip) addresses.set(made, addressKey(req.ip));
      });
    } catch (cause) {
      // Node took the request but it makes no URL (a malformed Host, credentials in it): answered like every
      // other error of ours (JSON, no stack) when it asks for one of our routes, else left to the app.
      if (isOwnRoute(req)) {
        const message = 'The request has no valid URL (check its Host header).';
        sendError(res, new ItsmeSignError('INVALID_REQUEST', { message, field: 'host', cause }));
      } else next();
      return;
    }
    // Mounted under a path (`app.use('/api/itsme', …)`): core routes on `req.path` and checks the mount
    // (`req.baseUrl`) against `basePath`.
    answerNode(handler, request, res, req.baseUrl ? { path: req.path, mountPath: req.baseUrl } : {})
      .then((answered) => answered || next())
      .catch((error: unknown) => {
        // Never Express's default error page (HTML with a stack outside production): JSON, or a cut connection
        // when the answer had begun.
        if (!isItsmeSignError(error)) onError?.(error, hookRequest(request));
        sendError(res, isItsmeSignError(error) ? error : new ItsmeSignError('INTERNAL_ERROR'));
      })
      // Last resort (a hook that throws): the connection is cut, the process goes on.
      .catch(() => res.destroy());
  };
  const errors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (!isOwnRoute(req)) return next(error);
    const e = isItsmeSignError(error) ? error : fromParserError(error);
    if (!e) onError?.(error, toWebRequestOrUndefined(req, res));
    sendError(res, e ?? new ItsmeSignError('INTERNAL_ERROR'));
  };
  return Object.assign(middleware, {
    handler,
    errors,
    close: () => handler.close(),
  });
}

/**
 * A body parser's refusal (body-parser, `express.json()`: a `status` of 4xx and a `type` such as
 * `entity.parse.failed`, `entity.too.large`, `encoding.unsupported`) as INVALID_REQUEST; else `undefined`.
 */
function fromParserError(error: unknown): ItsmeSignError | undefined {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const what = typeof type === 'string' && /^[\w.]+$/.test(type) ? ` (${type})` : '';
  return new ItsmeSignError('INVALID_REQUEST', { message: `The request body could not be read${what}.` });
}

/** The Web request of `req` for `onError`, when one can be built. */
function toWebRequestOrUndefined(req: Request, res: Response): globalThis.Request {
  try {
    return toWebRequest(req, res);
  } catch {
    return new globalThis.Request('http://invalid.host/');
  }
}

/** An error as the core handler answers it: its status, `{ error }` as JSON, never a stack. */
function sendError(res: Response, error: ItsmeSignError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ error: error.toJSON() });
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export type { ItsmeSignHandlerOptions } from '@itsme-sign/core';
