/**
 * Fastify plugin for itsme® Sign: mounts the `@itsme-sign/core` web handler. Fastify 5.
 *
 *   await app.register(itsmeSign({ basePath: '/api/itsme', ...options }));
 */
import {
  adapterHandler,
  type ItsmeSignHandler,
  type ItsmeSignHandlerOptions,
  mountPathError,
  ROUTES,
} from '@itsme-sign/core';
import { type NodeRequestLike, toWebRequest } from '@itsme-sign/core/node';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const fastifyRequests = new WeakMap<Request, FastifyRequest>();

/**
 * The Fastify request behind a Web `Request` the plugin's routes handed to a hook (e.g. `authorize`), to read
 * what the app's hooks put on it (`request.user`, `request.session`).
 */
export function getFastifyRequest<T extends FastifyRequest = FastifyRequest>(
  request: Request,
): T | undefined {
  return fastifyRequests.get(request) as T | undefined;
}

export type ItsmeSignPlugin = ((fastify: FastifyInstance) => Promise<void>) & {
  /** The core handler (its `orchestrator` drives sessions from server code). */
  readonly handler: ItsmeSignHandler;
  /** Closes the B2B client and the session store the plugin created (also done on `app.close()`). */
  close(): Promise<void>;
};

/**
 * Returns a plugin that registers the itsme® Sign routes under `options.basePath` (the full path the browser
 * sees, the `prefix` of the registration included). The plugin is encapsulated: its body handling (the raw body
 * is left to core, which reads and bounds it) applies to its own routes only.
 */
export function itsmeSign(options: ItsmeSignHandlerOptions | ItsmeSignHandler): ItsmeSignPlugin {
  const isHandler = typeof (options as ItsmeSignHandler).handle === 'function';
  const handler = adapterHandler(options);

  const plugin = async (fastify: FastifyInstance): Promise<void> => {
    const prefix = fastify.prefix.replace(/\/+$/, '');
    if (prefix && handler.basePath !== prefix && !handler.basePath.startsWith(`${prefix}/`)) {
      // Registered under `prefix`, the routes would be served at prefix + basePath.
      throw mountPathError(handler.basePath, `${prefix}${handler.basePath}`);
    }
    // Core reads the body itself (JSON only, size-bounded): leave the stream unread for every content type.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
    if (!isHandler) fastify.addHook('onClose', () => handler.close());
    const mount = handler.basePath.slice(prefix.length);
    for (const route of Object.values(ROUTES)) {
      fastify.route({
        method: ['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'PATCH'],
        url: `${mount}${route}`,
        exposeHeadRoute: false,
        handler: async (request, reply) => {
          const raw = request.raw as NodeRequestLike;
          raw.protocol ??= request.protocol; // honours Fastify's trustProxy, like Express's req.protocol
          const web = toWebRequest(raw, reply.raw);
          fastifyRequests.set(web, request);
          // Every route registered here is one of core's: it always answers (405 for another method).
          return (await handler.handle(web, { path: route })) ?? reply.callNotFound();
        },
      });
    }
  };
  return Object.assign(plugin, { handler, close: () => handler.close() });
}

export type { ItsmeSignHandlerOptions } from '@itsme-sign/core';
