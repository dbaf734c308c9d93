/**
 * Validation at the client's edges: strict for what leaves, tolerant (unknown fields ignored) for what comes back.
 * `wellFormed` (from `wire/well-formed.ts`) answers the common case cheaply; the schema decides whenever it
 * is not sure, so the outcome — value, or error and field — is the schema's either way.
 */
import type { z } from 'zod';
import { ItsmeSignError } from '../errors.js';

type WellFormed<S extends z.ZodType> = (value: unknown) => z.output<S> | undefined;

/** The value as the schema outputs it, or the first issue: its field (dot path) and `field message`. */
function validate<S extends z.ZodType>(schema: S, value: unknown, wellFormed: WellFormed<S> | undefined) {
  const checked = wellFormed?.(value);
  if (checked !== undefined) return { ok: true as const, data: checked };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true as const, data: parsed.data as z.output<S> };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  return { ok: false as const, field, says: `${field || '(root)'} ${issue?.message ?? 'is invalid'}` };
}

/** Validates an outbound request; the first issue names the field. */
export function strict<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  wellFormed?: WellFormed<S>,
): z.output<S> {
  const result = validate(schema, value, wellFormed);
  if (result.ok) return result.data;
  const { field } = result;
  const code = field.endsWith('di.0.value') || field.endsWith('.alg') ? 'INVALID_DIGEST' : 'INVALID_REQUEST';
  throw new ItsmeSignError(code, { message: `Invalid ${what}: ${result.says}`, field });
}

/** Validates an inbound response; a mismatch is INVALID_RESPONSE naming the field. */
export function tolerant<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  httpStatus: number,
  wellFormed?: WellFormed<S>,
): z.output<S> {
  const result = validate(schema, value, wellFormed);
  if (result.ok) return result.data;
  throw new ItsmeSignError('INVALID_RESPONSE', {
    message: `itsme® sent an invalid ${what}: ${result.says}`,
    field: result.field,
    httpStatus,
  });
}
