/**
 * A hand-written guard for the handler's `SessionView`, read from the same constants as the zod schema
 * (`sessionViewSchema`), so the browser bundle carries no zod. Like the schema it ignores unknown fields;
 * `view.test.ts` checks that both agree.
 */

import {
  LANGUAGES,
  type NextActionName,
  REDIRECT_TARGETS,
  SESSION_MODES,
  SESSION_STATUSES,
  SIGNING_STEPS,
} from '../contract/constants.js';
import type { NextAction, SessionView } from '../contract/index.js';

/** The fields the guard reads, each of any type until checked (named, so they read as properties). */
type FieldName =
  | keyof SessionView
  | 'action'
  | 'url'
  | 'target'
  | 'via'
  | 'resultUrl'
  | 'code'
  | 'message'
  | 'category'
  | 'retryable'
  | 'reason'
  | 'field'
  | 'name'
  | 'userCode';
type Fields = { readonly [K in FieldName]?: unknown };

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
const isString = (value: unknown): value is string => typeof value === 'string';
const isOneOf = (list: readonly string[], value: unknown): boolean => isString(value) && list.includes(value);
const isOptional = (value: unknown, check: (v: unknown) => boolean): boolean =>
  value === undefined || check(value);

/** Every `next.action`, with what it must carry (a missing action here does not compile). */
const NEXT_FIELDS: Record<NextActionName, (next: Fields) => boolean> = {
  redirect: (next) =>
    isString(next.url) && isOneOf(REDIRECT_TARGETS, next.target) && isOptional(next.via, isString),
  wait: () => true,
  done: (next) => isString(next.resultUrl),
  restart: () => true,
};

function isNextAction(value: unknown): value is NextAction {
  if (!isObject(value)) return false;
  const action = value.action;
  return (
    isString(action) && Object.hasOwn(NEXT_FIELDS, action) && NEXT_FIELDS[action as NextActionName](value)
  );
}

function isErrorInfo(value: unknown): boolean {
  if (!isObject(value) || !isString(value.code) || !isString(value.message)) return false;
  return (
    (['category', 'reason', 'field'] as const).every((key) => isOptional(value[key], isString)) &&
    isOptional(value.retryable, (v) => typeof v === 'boolean')
  );
}

function isSigner(value: unknown): boolean {
  return isObject(value) && isString(value.userCode) && isOptional(value.name, isString);
}

function isDocument(value: unknown): boolean {
  return (
    isObject(value) &&
    isString(value.id) &&
    isOptional(value.name, isString) &&
    isOptional(value.resultUrl, isString)
  );
}

/** True when `value` is a `SessionView` as the handler sends it. */
export function isSessionView(value: unknown): value is SessionView {
  if (!isObject(value)) return false;
  const v = value;
  return (
    isString(v.id) &&
    isOneOf(SESSION_STATUSES, v.status) &&
    isOneOf(SIGNING_STEPS, v.step) &&
    Number.isInteger(v.version) &&
    isOneOf(LANGUAGES, v.lang) &&
    isOneOf(SESSION_MODES, v.mode) &&
    isOptional(v.documentName, isString) &&
    Array.isArray(v.documents) &&
    v.documents.every(isDocument) &&
    isNextAction(v.next) &&
    isOptional(v.error, isErrorInfo) &&
    isOptional(v.signer, isSigner) &&
    isString(v.createdAt) &&
    isString(v.expiresAt)
  );
}

/** Only http(s) pages are ever a place to send the browser (never `javascript:`, `data:`, …). */
export function isWebUrl(url: unknown): url is string {
  return isString(url) && /^https?:\/\//i.test(url.trim());
}

/** A path of this site (`/…`, never `//host` or `/\host`): the handler's own `via` routes. */
export function isSitePath(url: unknown): url is string {
  return isString(url) && /^\/(?![/\\])/.test(url) && !/[\s\\]/.test(url);
}

/** The handler's `ErrorBody.error` (code, and message / retryable when given), when `body` is one. */
export function errorInfoOf(body: unknown): { code: string; message?: string; retryable?: boolean } | null {
  const error = isObject(body) ? body.error : undefined;
  if (!isObject(error) || !isString(error.code)) return null;
  const { code, message, retryable } = error;
  return {
    code,
    ...(isString(message) ? { message } : {}),
    ...(typeof retryable === 'boolean' ? { retryable } : {}),
  };
}
