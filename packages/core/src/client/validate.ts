/** Validation at the client's edges: strict for what leaves, tolerant (unknown fields ignored) for what comes back. */
import type { z } from 'zod';
import { ItsmeSignError } from '../errors.js';

/** Validates an outbound request; the first issue names the field. */
export function strict<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  const code = field.endsWith('di.0.value') || field.endsWith('.alg') ? 'INVALID_DIGEST' : 'INVALID_REQUEST';
  throw new ItsmeSignError(code, {
    message: `Invalid ${what}: ${field || '(root)'} ${issue?.message ?? 'is invalid'}`,
    field,
  });
}

/** Validates an inbound response; a mismatch is INVALID_RESPONSE naming the field. */
export function tolerant<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  httpStatus: number,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw new ItsmeSignError('INVALID_RESPONSE', {
    message: `itsme® sent an invalid ${what}: ${field || '(root)'} ${issue?.message ?? 'is invalid'}`,
    field,
    httpStatus,
  });
}
