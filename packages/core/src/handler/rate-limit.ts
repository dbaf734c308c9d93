/**
 * Cost bounds of `POST {mount}/sessions`: every accepted start is one call to itsme® and one stored session, so
 * starts are limited per client and for the whole handler (token buckets in this process), or by the app's own
 * limiter (e.g. one shared by every instance).
 *
 * Which client: a Web `Request` carries no peer address (the Fetch API has none; each runtime keeps it
 * elsewhere — Node's socket, Deno's `info.remoteAddr`, Bun's `server.requestIP()`), and behind a proxy that
 * address is the proxy's anyway. So the default key is the `authorize` owner when there is one, else the
 * address the app's proxy put in `X-Forwarded-For` when the app says it is behind one (`trustProxy`), else
 * none: anonymous clients share one bucket, the global one.
 */
import { DEFAULTS } from '../config.js';
import { type BucketLimit, TokenBuckets } from '../token-buckets.js';

/** At most `max` starts at once, refilled evenly over `windowMs` (a token bucket). */
export type RateLimit = BucketLimit;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The app's own limiter (e.g. backed by Redis so every instance shares it). */
export interface StartRateLimiter {
  /** Takes one session start for `key` (`undefined`: an anonymous client). */
  take(key: string | undefined, request: Request): RateLimitDecision | Promise<RateLimitDecision>;
}

export interface RateLimitOptions {
  /** Starts one client may make. Default `DEFAULTS.rateLimitPerClient`; `false`: none. */
  perClient?: RateLimit | false;
  /** Starts the handler takes from every client together. Default `DEFAULTS.rateLimitGlobal`; `false`: none. */
  global?: RateLimit | false;
  /**
   * The client a request comes from (an id of your user, an address your runtime knows), or `undefined` for an
   * anonymous client (counted in the global bucket only). Default: `owner` (from `authorize`), else the
   * `X-Forwarded-For` hop added by your proxy when `trustProxy` is set, else `undefined`.
   */
  clientKey?: (
    request: Request,
    owner: string | undefined,
  ) => string | undefined | Promise<string | undefined>;
  /**
   * The handler is behind `trustProxy` proxies (`true`: one) that each append the address they saw to
   * `X-Forwarded-For`: the entry the nearest of them added is the client's (entries to its left are whatever
   * the client sent, so never used). Default `false`: the header is ignored.
   */
  trustProxy?: boolean | number;
  /** Replaces the built-in limiter (both buckets); gets the key of `clientKey`. */
  limiter?: StartRateLimiter;
  /** Clients the built-in limiter tracks at once (least recently seen dropped first). Default `DEFAULTS.rateLimitMaxClients`. */
  maxClients?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

const GLOBAL = '';

/** The built-in limiter: a bucket per client and one for all (anonymous clients count in the latter only). */
export class MemoryRateLimiter implements StartRateLimiter {
  readonly #perClient: TokenBuckets | undefined;
  readonly #global: TokenBuckets | undefined;
  readonly #now: () => number;

  constructor(options: Pick<RateLimitOptions, 'perClient' | 'global' | 'maxClients' | 'now'> = {}) {
    const perClient = options.perClient ?? DEFAULTS.rateLimitPerClient;
    const global = options.global ?? DEFAULTS.rateLimitGlobal;
    const maxClients = options.maxClients ?? DEFAULTS.rateLimitMaxClients;
    this.#perClient = perClient ? new TokenBuckets(checked(perClient, 'perClient'), maxClients) : undefined;
    this.#global = global ? new TokenBuckets(checked(global, 'global'), 1) : undefined;
    this.#now = options.now ?? Date.now;
  }

  take(key: string | undefined): RateLimitDecision {
    const now = this.#now();
    const own = key === undefined || !this.#perClient ? undefined : this.#perClient.peek(key, now);
    const all = this.#global?.peek(GLOBAL, now);
    const wait = Math.max(
      own && this.#perClient ? this.#perClient.wait(own) : 0,
      all && this.#global ? this.#global.wait(all) : 0,
    );
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    if (own && key !== undefined) this.#perClient?.take(key, own);
    if (all) this.#global?.take(GLOBAL, all);
    return { allowed: true };
  }
}

function checked(limit: RateLimit, name: string): RateLimit {
  if (!(limit.max >= 1) || !(limit.windowMs > 0)) {
    throw new RangeError(`rateLimit.${name} needs max >= 1 and windowMs > 0.`);
  }
  return limit;
}

/** The client's address from `X-Forwarded-For`: the entry added by the nearest of `hops` trusted proxies. */
export function forwardedFor(request: Request, hops: number): string | undefined {
  const entries = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const entry = entries[entries.length - hops];
  return entry === undefined ? undefined : addressKey(entry);
}

/**
 * One key per client address: IPv4 as is; IPv6 by its /64 (one subscriber usually holds a whole /64, so the
 * addresses in it are one client).
 */
export function addressKey(address: string): string {
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(:\d+)?$/.exec(address);
  if (v4) return v4[1] as string;
  const bare = address.replace(/^\[|\](:\d+)?$/g, '').replace(/%.*$/, '');
  if (!bare.includes(':')) return bare;
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (v4mapped) return v4mapped[1] as string;
  const [head = '', tail = ''] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = bare.includes('::') && tail ? tail.split(':') : [];
  const groups = bare.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

const address = (a: string | undefined) => (a === undefined ? undefined : `address:${a}`);

/** `take` of the configured limiter with the configured key, or `undefined` when starts are not limited. */
export function startLimiter(
  options: RateLimitOptions | false | undefined,
): ((request: Request, owner: string | undefined) => Promise<RateLimitDecision>) | undefined {
  if (options === false) return undefined;
  const o = options ?? {};
  const limiter = o.limiter ?? new MemoryRateLimiter(o);
  const hops = o.trustProxy === true ? 1 : typeof o.trustProxy === 'number' ? o.trustProxy : 0;
  const keyOf =
    o.clientKey ??
    ((request: Request, owner: string | undefined) =>
      owner !== undefined ? `owner:${owner}` : address(hops > 0 ? forwardedFor(request, hops) : undefined));
  return async (request, owner) => limiter.take(await keyOf(request, owner), request);
}
