/**
 * The session cookie: the session id plus an HMAC-SHA256 under the first configured secret. Any of the
 * configured secrets verifies it (rotation: add the new secret first, drop the old one later).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';

export interface CookieOptions {
  /** Secrets of at least 32 characters; the first one signs, all of them verify. */
  secrets: readonly string[];
  /** Default `DEFAULTS.cookieName` (`itsme_sign`). */
  name?: string;
  /** `'auto'` (default): Secure except on localhost/127.0.0.1 (the handler's `publicOrigin` if set, else the request's host). */
  secure?: boolean | 'auto';
  /** Default: the handler's base path. */
  path?: string;
  /** Optional Domain attribute. */
  domain?: string;
}

const ID = /^[A-Za-z0-9_-]{16,64}$/;

export class SessionCookie {
  readonly name: string;
  readonly #secrets: readonly Buffer[];
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
    this.#secrets = options.secrets.map((s) => Buffer.from(s));
    this.#secure = options.secure ?? 'auto';
    this.#path = options.path ?? (defaultPath || '/');
    this.#domain = options.domain;
    this.#publicOrigin = publicOrigin === undefined ? undefined : new URL(publicOrigin);
  }

  /** The session id in the request's cookie, if the cookie is there and its signature holds. */
  read(request: Request): string | undefined {
    const header = request.headers.get('cookie');
    if (!header) return undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== this.name) continue;
      const value = part.slice(eq + 1).trim();
      const dot = value.lastIndexOf('.');
      if (dot < 0) continue;
      const id = value.slice(0, dot);
      const mac = Buffer.from(value.slice(dot + 1), 'base64url');
      if (!ID.test(id)) continue;
      for (const secret of this.#secrets) {
        const expected = this.#mac(secret, id);
        if (mac.length === expected.length && timingSafeEqual(mac, expected)) return id;
      }
    }
    return undefined;
  }

  /** `Set-Cookie` value binding `sessionId` to this browser. */
  serialize(sessionId: string, request: Request, maxAgeSeconds: number): string {
    const value = `${sessionId}.${this.#mac(this.#secrets[0] as Buffer, sessionId).toString('base64url')}`;
    return this.#attributes(`${this.name}=${value}`, request, maxAgeSeconds);
  }

  /** `Set-Cookie` value that removes the cookie. */
  clear(request: Request): string {
    return this.#attributes(`${this.name}=`, request, 0);
  }

  #attributes(pair: string, request: Request, maxAge: number): string {
    const seen = this.#publicOrigin ?? new URL(request.url);
    const secure = this.#secure === 'auto' ? !isLoopback(seen.hostname) : this.#secure;
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

  #mac(secret: Buffer, id: string): Buffer {
    return createHmac('sha256', secret).update(`itsme-sign.v1.${id}`).digest();
  }
}

export const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' ||
  hostname === '[::1]' ||
  hostname === '::1' ||
  /^127\.\d+\.\d+\.\d+$/.test(hostname);
