import { ItsmeSignError, type ItsmeSignHandler } from '@itsme-sign/core';

/**
 * On `@nestjs/platform-fastify` the routes are registered on the Fastify instance by `@itsme-sign/fastify`
 * (an optional peer, loaded only there): Nest middleware would run in Fastify's `onRequest` phase and answer
 * around `reply`. Core's handler, owned by `ItsmeSignService`, does the work either way.
 */
export async function mountOnFastify(fastify: unknown, handler: ItsmeSignHandler): Promise<void> {
  let adapter: typeof import('@itsme-sign/fastify');
  try {
    adapter = await import('@itsme-sign/fastify');
  } catch (cause) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message:
        'On @nestjs/platform-fastify, install @itsme-sign/fastify: it registers the routes on Fastify.',
      cause,
    });
  }
  const instance = fastify as Parameters<ReturnType<typeof adapter.itsmeSign>>[0];
  await instance.register(adapter.itsmeSign(handler));
}
