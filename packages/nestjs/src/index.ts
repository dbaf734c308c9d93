export type { ItsmeSignHandlerOptions } from '@itsme-sign/core';
export { ITSME_SIGN_OPTIONS } from './itsme-sign.constants.js';
export { ItsmeSignExceptionFilter, toHttpException } from './itsme-sign.exception-filter.js';
export { getNodeRequest, ItsmeSignMiddleware } from './itsme-sign.middleware.js';
export { ItsmeSignModule } from './itsme-sign.module.js';
export type {
  ItsmeSignModuleAsyncOptions,
  ItsmeSignModuleOptions,
  ItsmeSignOptionsFactory,
} from './itsme-sign.module-definition.js';
export { ItsmeSignService } from './itsme-sign.service.js';
