/**
 * Validation at the client's edges: strict for what leaves, tolerant (unknown fields ignored) for what comes back.
 * The common case is answered before these run (requests built and checked from the input in `requests.ts`,
 * answers by the plain checks of `wire/well-formed.ts`); the schema decides whenever those are not sure, so the
 * outcome — value, or error and field — is the schema's either way.
 */
import type { z } from 'zod';
import { ItsmeSignError } from '../errors.js';

/** The first issue of a refused value: its field (dot path) and `field message`. */
function firstIssue(error: z.ZodError) {
  const issue = error.issues[0];
  const field = issue?.path.join('.') ?? '';
  return { field, says: `${field || '(root)'} ${issue?.message ?? 'is invalid'}` };
}

/** Validates an outbound request; the first issue names the field. */
export function strict<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { field, says } = firstIssue(parsed.error);
  const code = field.endsWith('di.0.value') || field.endsWith('.alg') ? 'INVALID_DIGEST' : 'INVALID_REQUEST';
  throw new ItsmeSignError(code, { message: `Invalid ${what}: ${says}`, field });
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
  const { field, says } = firstIssue(parsed.error);
  throw new ItsmeSignError('INVALID_RESPONSE', {
    message: `itsme® sent an invalid ${what}: ${says}`,
    field,
    httpStatus,
  });
}
