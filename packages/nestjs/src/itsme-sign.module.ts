import { Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ITSME_SIGN_OPTIONS } from './itsme-sign.constants.js';
import { mountOnFastify } from './itsme-sign.fastify.js';
import { ItsmeSignMiddleware } from './itsme-sign.middleware.js';
import { ConfigurableModuleClass, type ItsmeSignModuleOptions } from './itsme-sign.module-definition.js';
import { checkBasePath, ItsmeSignService } from './itsme-sign.service.js';

/**
 * `ItsmeSignModule.forRoot(options)` / `forRootAsync({ imports, useFactory, inject })`: provides
 * `ItsmeSignService` and mounts core's routes under `options.basePath`: as middleware on Express, as routes
 * of the Fastify instance on `@nestjs/platform-fastify`.
 */
@Module({ providers: [ItsmeSignService], exports: [ItsmeSignService, ITSME_SIGN_OPTIONS] })
export class ItsmeSignModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    @Inject(ITSME_SIGN_OPTIONS) private readonly options: ItsmeSignModuleOptions,
    @Inject(ApplicationConfig) private readonly appConfig: ApplicationConfig,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ItsmeSignService) private readonly service: ItsmeSignService,
  ) {
    super();
  }

  async configure(consumer: MiddlewareConsumer): Promise<void> {
    let path = checkBasePath(this.options?.basePath);
    const adapter = this.adapterHost?.httpAdapter;
    // On Fastify, `basePath` is registered as it is: Nest's global prefix applies to controllers only.
    if (adapter?.getType() === 'fastify') return mountOnFastify(adapter.getInstance(), this.service.handler);
    // Nest puts the global prefix in front of middleware routes; `basePath` is the full path already.
    const prefix = `/${this.appConfig.getGlobalPrefix()}`.replace(/^\/+/, '/').replace(/\/+$/, '');
    if (prefix && path.startsWith(`${prefix}/`)) path = path.slice(prefix.length);
    consumer.apply(ItsmeSignMiddleware).forRoutes({ path: `${path}/{*path}`, method: RequestMethod.ALL });
  }
}
