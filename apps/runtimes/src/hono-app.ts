/**
 * Recipe: core's Web handler on Hono. Hono hands the handler its Web `Request` (`c.req.raw`) as it is, and
 * returns the handler's `Response`; paths that are not the handler's go on to the app's own routes.
 * With `@hono/node-server` on Node (mutual TLS to itsme® needs Node, not an edge runtime).
 */
import type { ItsmeSignHandler } from '@itsme-sign/core';
import { Hono } from 'hono';

export function mountItsmeSign(app: Hono, handler: ItsmeSignHandler): Hono {
  app.all(`${handler.basePath}/*`, async (c, next) => {
    const response = await handler.handle(c.req.raw);
    if (response) return response;
    await next();
  });
  return app;
}
