/** The JSON state kept between `prepare` and `finalize`, and its validation when it comes back. */
import { fail } from './errors.js';

/** PAdES/CAdES baseline levels: B-T adds a signature timestamp, B-LT validation data, B-LTA a document timestamp. */
export const LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type Level = (typeof LEVELS)[number];

/** Levels with a signature timestamp (every one above B-B). */
export const hasTimestamp = (level: Level) => level !== 'B-B';
/** Levels that embed validation data (revocation checked as `require` by default). */
export const isLongTerm = (level: Level) => level === 'B-LT' || level === 'B-LTA';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function badState(detail: string): never {
  return fail('INVALID_REQUEST', `The signature state is invalid (${detail}).`, { field: 'state' });
}

export function stringField(s: Record<string, unknown>, key: string): string {
  const v = s[key];
  if (typeof v !== 'string') badState(key);
  return v;
}

export function optionalString(s: Record<string, unknown>, key: string): string | undefined {
  const v = s[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') badState(key);
  return v;
}

export function stringArray(s: Record<string, unknown>, key: string): string[] {
  const v = s[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) badState(key);
  return v as string[];
}

export function levelField(s: Record<string, unknown>): Level {
  const v = s.level;
  if (!LEVELS.includes(v as Level)) badState('level');
  return v as Level;
}

export function dateField(s: Record<string, unknown>, key: string): Date {
  const d = new Date(stringField(s, key));
  if (Number.isNaN(d.getTime())) badState(key);
  return d;
}
