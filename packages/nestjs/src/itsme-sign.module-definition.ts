import type { ItsmeSignConfig } from '@itsme-sign/core';
import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ITSME_SIGN_OPTIONS } from './itsme-sign.constants.js';

/**
 * The whole configuration of core's `createItsmeSign` (the module creates the client, store, orchestrator
 * and handler, and closes them on shutdown); `basePath` (where the routes are mounted, e.g. `/api/itsme`) is required.
 */
export type ItsmeSignModuleOptions = ItsmeSignConfig & { basePath: string };

export const { ConfigurableModuleClass, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<ItsmeSignModuleOptions>({
    moduleName: 'ItsmeSign',
    optionsInjectionToken: ITSME_SIGN_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createItsmeSignOptions')
    .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();

/** `forRootAsync({ useClass })` / `useExisting`: a class with this method. */
export interface ItsmeSignOptionsFactory {
  createItsmeSignOptions(): Promise<ItsmeSignModuleOptions> | ItsmeSignModuleOptions;
}

/** What `forRootAsync` takes: `{ imports, useFactory, inject }`, `useClass` or `useExisting`, and `isGlobal`. */
export type ItsmeSignModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
