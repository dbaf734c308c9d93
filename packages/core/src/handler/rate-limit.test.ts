import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config.js';
import { ERROR_CODES, ItsmeSignError } from '../errors.js';
import { stubHandler } from '../test-support/stub-orchestrator.js';
import type { HandlerSettings } from './handler.js';
import { addressKey, forwardedFor, MemoryRateLimiter } from './rate-limit.js';

/** A handler whose orchestrator only counts starts (each would be one itsme® call). */
function handlerWith(settings: Partial<HandlerSettings> = {}) {
  const { post, inputs } = stubHandler({ allowBrowserDigests: true, ...settings });
  return {
    post: (headers: Record<string, string> = {}) => post(undefined, headers),
    starts: () => inputs.length,
  };
}

describe('rate limit of session starts', () => {
  it('a token bucket per client and one for all; anonymous clients only count in the latter', () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({
      perClient: { max: 2, windowMs: 60_000 },
      global: { max: 3, windowMs: 3_000 },
      now: () => now,
    });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 30_000 });
    expect(limiter.take(undefined)).toEqual({ allowed: true });
    // The global bucket is empty now: everyone waits for its refill (1 per second).
    expect(limiter.take('b')).toEqual({ allowed: false, retryAfterMs: 1_000 });
    now = 1_000;
    expect(limiter.take('b')).toEqual({ allowed: true });
    // A refused start takes nothing: 'a' gets its token back after 30 s, not later.
    now = 30_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
  });

  it('answers 429 RATE_LIMITED with Retry-After once the client bucket is empty, without calling itsme®', async () => {
    const { post, starts } = handlerWith({
      authorize: () => 'user-1',
      rateLimit: { perClient: { max: 3, windowMs: 60_000 } },
    });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(201);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    const body = (await refused.json()) as { error: { code: string; retryable: boolean; category: string } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, category: 'session' });
    expect(ERROR_CODES.RATE_LIMITED.status).toBe(429);
    expect(starts()).toBe(3);
  });

  it('by default: the owner, else X-Forwarded-For only with trustProxy, else the global bucket', async () => {
    // A still clock: no token comes back while the test runs, however slow the machine.
    const still = () => 0;
    const anonymous = handlerWith({ rateLimit: { now: still } });
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULTS.rateLimitGlobal.max + 1; i++) {
      statuses.push((await anonymous.post({ 'x-forwarded-for': `10.0.0.${i % 250}` })).status);
    }
    // X-Forwarded-For is not trusted (anyone can send it): anonymous clients share the global bucket.
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULTS.rateLimitGlobal.max);
    expect(statuses.at(-1)).toBe(429);

    const proxied = handlerWith({ rateLimit: { trustProxy: true, now: still } });
    const from = (client: string, spoofed = '6.6.6.6') =>
      proxied.post({ 'x-forwarded-for': `${spoofed}, ${client}` });
    for (let i = 0; i < DEFAULTS.rateLimitPerClient.max; i++) {
      expect((await from('203.0.113.7', `6.6.6.${i}`)).status).toBe(201);
    }
    // The entry the proxy added decides, whatever the client put before it.
    expect((await from('203.0.113.7', '1.1.1.1')).status).toBe(429);
    expect((await from('203.0.113.8')).status).toBe(201);
  });

  it("plugs the app's own limiter, and `false` turns the limits off", async () => {
    const seen: (string | undefined)[] = [];
    const own = handlerWith({
      authorize: () => 'user-2',
      rateLimit: {
        limiter: {
          take: (key) => {
            seen.push(key);
            return seen.length > 1 ? { allowed: false, retryAfterMs: 2_500 } : { allowed: true };
          },
        },
      },
    });
    expect((await own.post()).status).toBe(201);
    const refused = await own.post();
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '3']);
    expect(seen).toEqual(['owner:user-2', 'owner:user-2']);

    const off = handlerWith({ rateLimit: false });
    for (let i = 0; i < DEFAULTS.rateLimitGlobal.max + 5; i++) expect((await off.post()).status).toBe(201);
  });

  it('an itsme® refusal with Retry-After on a start passes it on; other errors carry none', async () => {
    const refused = stubHandler({
      allowBrowserDigests: true,
      startError: new ItsmeSignError('UPSTREAM_UNAVAILABLE', { retryAfterMs: 3_200 }),
    });
    const res = await refused.post();
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, '4']);
    const failed = stubHandler({
      allowBrowserDigests: true,
      startError: new ItsmeSignError('INVALID_DIGEST'),
    });
    expect((await failed.post()).headers.get('retry-after')).toBeNull();
  });

  it('client keys: the proxy-added X-Forwarded-For entry; IPv6 by its /64', () => {
    const req = (xff: string) => new Request('https://app.example/', { headers: { 'x-forwarded-for': xff } });
    expect(forwardedFor(req('1.2.3.4, 5.6.7.8'), 1)).toBe('5.6.7.8');
    expect(forwardedFor(req('1.2.3.4, 5.6.7.8'), 2)).toBe('1.2.3.4');
    expect(forwardedFor(req('5.6.7.8'), 2)).toBeUndefined();
    expect(forwardedFor(req(''), 1)).toBeUndefined();
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('[2001:db8::5]:443')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1:8080')).toBe('192.0.2.1');
  });
});
