/**
 * The session cookie: the session id plus an HMAC-SHA256 under the first configured secret. Any of the
 * configured secrets verifies it (rotation: add the new secret first, drop the old one later).
 *
 * When it is `Secure`, its name carries a prefix the browser enforces, so that a sibling subdomain (or a
 * plain-http page) cannot plant one of the same name: `__Host-` when the cookie's path is `/` and it has no
 * `Domain` (the prefix requires both), else `__Secure-`. A handler mounted under a `basePath` other than `/`
 * scopes its cookie to that path, so it gets `__Secure-` (set `cookie.path: '/'` to get `__Host-`). A
 * `__Secure-` cookie can still be set by a sibling subdomain over https with `Domain=` the parent: when a
 * request carries several valid cookies of ours for different sessions, none of them is taken (which one the
 * browser sends first is the attacker's choice: taking it would fix the attacker's session on the user).
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';
import type { RequestLike } from './request-like.js';

export interface CookieOptions {
  /** Secrets of at least 32 characters; the first one signs, all of them verify. */
  secrets: readonly string[];
  /** Default `DEFAULTS.cookieName` (`itsme_sign`). */
  name?: string;
  /** `'auto'` (default): Secure except on localhost/127.0.0.1 (the handler's `publicOrigin` if set, else the request's host). */
  secure?: boolean | 'auto';
  /** Default: the handler's base path. */
  path?: string;
  /** Optional Domain attribute (then the prefix is `__Secure-`, never `__Host-`). */
  domain?: string;
  /**
   * `'auto'` (default): a `Secure` cookie is named `__Host-<name>` (path `/`, no domain) or `__Secure-<name>`.
   * `false`: the name as given (a cookie a sibling subdomain can plant; use only if you must).
   */
  prefix?: 'auto' | false;
}

const ID = /^[A-Za-z0-9_-]{16,64}$/;

export class SessionCookie {
  /** The name without prefix. */
  readonly name: string;
  /** The HMAC keys, imported once (not re-derived from the secret strings on every request). */
  readonly #keys: readonly KeyObject[];
  /** Cookie values whose signature held, and their session ids (see `#verified`). */
  readonly #valid = new Map<string, string>();
  readonly #prefix: boolean;
  readonly #secure: boolean | 'auto';
  readonly #path: string;
  readonly #domain: string | undefined;
  readonly #publicOrigin: URL | undefined;

  constructor(options: CookieOptions, defaultPath: string, publicOrigin?: string) {
    if (!options?.secrets?.length || options.secrets.some((s) => typeof s !== 'string' || s.length < 32)) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'cookie.secrets must hold at least one secret of 32 characters or more.',
        field: 'cookie.secrets',
      });
    }
    this.name = options.name ?? DEFAULTS.cookieName;
    if (!/^[A-Za-z0-9_-]+$/.test(this.name)) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'cookie.name is not a valid cookie name.',
        field: 'cookie.name',
      });
    }
    this.#keys = options.secrets.map((s) => createSecretKey(Buffer.from(s)));
    this.#secure = options.secure ?? 'auto';
    this.#path = options.path ?? (defaultPath || '/');
    this.#domain = options.domain;
    this.#prefix = options.prefix !== false && !/^__(Host|Secure)-/i.test(this.name);
    if (/^__Host-/i.test(this.name) && (this.#path !== '/' || this.#domain || this.#secure === false)) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'A __Host- cookie needs path "/", no domain and secure.',
        field: 'cookie.name',
      });
    }
    this.#publicOrigin = publicOrigin === undefined ? undefined : new URL(publicOrigin);
  }

  /** The cookie's name for `request`: with its prefix when it is `Secure` there. */
  nameFor(request: RequestLike): string {
    if (!this.#prefix || !this.#isSecure(request)) return this.name;
    return this.#path === '/' && !this.#domain ? `__Host-${this.name}` : `__Secure-${this.name}`;
  }

  /**
   * The session id in the request's cookie, if the cookie is there and its signature holds. Cookies of
   * another name (an unprefixed one where ours is prefixed) are ignored; several valid ones for different
   * sessions are refused (FORBIDDEN): one of them was planted.
   */
  read(request: RequestLike): string | undefined {
    const header = request.headers.get('cookie');
    if (!header) return undefined;
    const name = this.nameFor(request);
    let found: string | undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
      const id = this.#verified(part.slice(eq + 1).trim());
      if (id === undefined || id === found) continue;
      if (found !== undefined) {
        throw new ItsmeSignError('FORBIDDEN', {
          message:
            `Several ${name} cookies for different sessions: one was set by another site (e.g. a sibling ` +
            'subdomain), so none is used. Serve the handler over https with cookie path "/" (a __Host- cookie) ' +
            'to rule this out.',
          field: 'cookie',
        });
      }
      found = id;
    }
    return found;
  }

  /**
   * The id of a cookie value whose signature holds under one of the keys. A browser sends the same value on
   * every poll: values that verified are remembered (the keys never change for an instance), so the HMAC is
   * computed once per session and instance; forged values are not kept.
   */
  #verified(value: string): string | undefined {
    const known = this.#valid.get(value);
    if (known !== undefined) return known;
    const id = this.#verify(value);
    if (id !== undefined) {
      if (this.#valid.size >= VERIFIED_KEPT) this.#valid.delete(this.#valid.keys().next().value as string);
      this.#valid.set(value, id);
    }
    return id;
  }

  #verify(value: string): string | undefined {
    const dot = value.lastIndexOf('.');
    if (dot < 0) return undefined;
    const id = value.slice(0, dot);
    if (!ID.test(id)) return undefined;
    const mac = Buffer.from(value.slice(dot + 1), 'base64url');
    for (const key of this.#keys) {
      const expected = this.#mac(key, id);
      if (mac.length === expected.length && timingSafeEqual(mac, expected)) return id;
    }
    return undefined;
  }

  /** `Set-Cookie` value binding `sessionId` to this browser. */
  serialize(sessionId: string, request: RequestLike, maxAgeSeconds: number): string {
    const value = `${sessionId}.${this.#mac(this.#keys[0] as KeyObject, sessionId).toString('base64url')}`;
    return this.#attributes(`${this.nameFor(request)}=${value}`, request, maxAgeSeconds);
  }

  /** `Set-Cookie` value that removes the cookie. */
  clear(request: RequestLike): string {
    return this.#attributes(`${this.nameFor(request)}=`, request, 0);
  }

  #isSecure(request: RequestLike): boolean {
    if (this.#secure !== 'auto') return this.#secure;
    return !isLoopback(this.#publicOrigin?.hostname ?? hostnameOf(request.url));
  }

  #attributes(pair: string, request: RequestLike, maxAge: number): string {
    const secure = this.#isSecure(request);
    return [
      pair,
      `Path=${this.#path}`,
      `Max-Age=${Math.max(0, Math.floor(maxAge))}`,
      'HttpOnly',
      'SameSite=Lax',
      ...(secure ? ['Secure'] : []),
      ...(this.#domain ? [`Domain=${this.#domain}`] : []),
    ].join('; ');
  }

  #mac(key: KeyObject, id: string): Buffer {
    return createHmac('sha256', key).update(`itsme-sign.v1.${id}`).digest();
  }
}

/** Verified cookie values remembered per instance (oldest dropped first). */
const VERIFIED_KEPT = 10_000;

/** The host name of an absolute URL as `new URL(url).hostname` gives it, without building a URL per request. */
export function hostnameOf(url: string): string {
  const m = /^[a-z][a-z\d+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return m ? (m[1] as string).toLowerCase() : new URL(url).hostname;
}

export const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' ||
  hostname === '[::1]' ||
  hostname === '::1' ||
  /^127\.\d+\.\d+\.\d+$/.test(hostname);
