/**
 * Express middleware for itsme® Sign: mounts the `@itsme-sign/core` web handler. Works with Express 4 and 5.
 *
 *   app.use('/api/itsme', itsmeSign({ basePath: '/api/itsme', ...options }));
 */
import {
  createItsmeSignHandler,
  ItsmeSignError,
  type ItsmeSignHandler,
  type ItsmeSignHandlerOptions,
  sendWebResponse,
  toWebRequest,
} from '@itsme-sign/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type ItsmeSignMiddleware = RequestHandler & {
  /** The core handler (its `orchestrator` drives sessions from server code). */
  readonly handler: ItsmeSignHandler;
  /** Closes the B2B client and the session store the middleware created. */
  close(): Promise<void>;
};

/**
 * Returns middleware that answers the itsme® Sign routes under the path it is mounted at, and passes
 * every other request on. `options.basePath` must be that mount path (it scopes the cookie and the result URL):
 * a different one is answered with one `INVALID_CONFIG` naming both (`req.baseUrl` against `basePath`).
 */
export function itsmeSign(options: ItsmeSignHandlerOptions | ItsmeSignHandler): ItsmeSignMiddleware {
  const isHandler = typeof (options as ItsmeSignHandler).handle === 'function';
  if (!isHandler && (options as ItsmeSignHandlerOptions).basePath === undefined) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: 'basePath is required: set it to the path the middleware is mounted at (e.g. "/api/itsme").',
      field: 'basePath',
    });
  }
  const handler = isHandler
    ? (options as ItsmeSignHandler)
    : createItsmeSignHandler(options as ItsmeSignHandlerOptions);

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    // Mounted under a path (`app.use('/api/itsme', …)`): core routes on `req.path` and checks the mount
    // (`req.baseUrl`) against `basePath`.
    handler
      .handle(toWebRequest(req, res), req.baseUrl ? { path: req.path, mountPath: req.baseUrl } : {})
      .then((response) => (response ? sendWebResponse(response, res) : next()))
      .catch(next);
  };
  return Object.assign(middleware, {
    handler,
    close: () => handler.close(),
  });
}

export type { ItsmeSignHandlerOptions } from '@itsme-sign/core';
