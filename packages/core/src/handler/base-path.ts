/**
 * The one rule for `basePath`, the path the routes are mounted at (`/api/itsme`): `''` for the root, else
 * segments of URL path characters; trailing slashes are dropped. It scopes the session cookie and every URL the
 * handler gives out, so the adapters require it (it must equal their mount path).
 */
import { ItsmeSignError } from '../errors.js';

const SEGMENTS = /^(\/[\w.~-]+)+\/?$/;

export function normalizeBasePath(value: unknown, required = false): string {
  if (value === undefined || value === '' || value === '/') {
    if (!required) return '';
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: 'basePath is required: set it to the path the routes are mounted at (e.g. "/api/itsme").',
      field: 'basePath',
    });
  }
  if (typeof value !== 'string' || !SEGMENTS.test(value)) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: `basePath must be the path the routes are mounted at, made of plain path segments, e.g. "/api/itsme" (got ${JSON.stringify(value) ?? 'undefined'}).`,
      field: 'basePath',
    });
  }
  return value.replace(/\/+$/, '');
}
