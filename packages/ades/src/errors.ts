/** Typed errors of the package: always core's `ItsmeSignError` with a stable code. */
import { type ErrorCode, ItsmeSignError } from '@itsme-sign/core';

/** Throws an `ItsmeSignError`; `message` must never contain key material or document content. */
export function fail(
  code: ErrorCode,
  message: string,
  options: { field?: string; cause?: unknown } = {},
): never {
  throw new ItsmeSignError(code, { message, ...options });
}

/** Runs `fn`; any non-`ItsmeSignError` it throws becomes `code` with `message`. */
export async function wrapErrors<T>(code: ErrorCode, message: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ItsmeSignError) throw e;
    fail(code, message, { cause: e });
  }
}
