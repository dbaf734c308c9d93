import { describe, expect, it } from 'vitest';
import { textResponse, unreadText } from './response-text.js';

const make = () =>
  textResponse('{"a":1}', {
    status: 201,
    headers: { 'content-type': 'application/json', 'content-length': '7' },
  });

describe('textResponse: a Response of a known text', () => {
  it('is a Response like new Response(text, init)', async () => {
    const response = make();
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.ok, response.headers.get('content-length')]).toEqual([201, true, '7']);
    expect(response.bodyUsed).toBe(false);
    expect(await response.clone().json()).toEqual({ a: 1 });
    expect(await response.text()).toBe('{"a":1}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('hands its text to the bridge until the body is read through the Web API', async () => {
    const response = make();
    expect(unreadText(response)).toBe('{"a":1}');
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(unreadText(response)).toBe('{"a":1}');
    expect(await new Response(response.body).text()).toBe('{"a":1}');
    expect(unreadText(response)).toBeUndefined();
    expect(unreadText(new Response('x'))).toBeUndefined();
  });
});
