import { ItsmeSignError } from '@itsme-sign/core';
import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** A Nest `HttpException` for an `ItsmeSignError`: its status, and `{ statusCode, code, message, … }` as body. */
export function toHttpException(error: ItsmeSignError): HttpException {
  return new HttpException({ statusCode: error.status, ...error.toJSON() }, error.status, { cause: error });
}

/**
 * Answers `ItsmeSignError`s thrown by the app's own controllers (e.g. from `ItsmeSignService`) with their
 * status and stable `code`, never a stack. `app.useGlobalFilters(new ItsmeSignExceptionFilter())`,
 * `@UseFilters(ItsmeSignExceptionFilter)` or `{ provide: APP_FILTER, useClass: ItsmeSignExceptionFilter }`.
 */
@Catch(ItsmeSignError)
export class ItsmeSignExceptionFilter extends BaseExceptionFilter {
  override catch(error: ItsmeSignError, host: ArgumentsHost): void {
    super.catch(toHttpException(error), host);
  }
}
