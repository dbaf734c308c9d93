import { ItsmeSignError } from '../errors.js';
import type { HandleOptions, ItsmeSignHandler } from './handler-types.js';

/**
 * What the handler's routes read of a request: its URL, method and headers. A Web `Request` is one; the Node
 * bridge hands over a lighter one whose Web `Request` is made only when a route or a hook needs it (a body, a
 * signal, `authorize`, `onError`): on a status poll none of them does, and building a `Request` costs more
 * than the rest of the answer.
 */
export interface RequestLike {
  /** The absolute URL (as `Request.url`). */
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
}

const MAKE = Symbol('itsme-sign.webRequest');

/** A request whose Web `Request` is made on first use, by `make` (then kept). */
export class DeferredRequest implements RequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
  #make: (() => Request) | undefined;
  #request: Request | undefined;

  constructor(url: string, method: string, headers: RequestLike['headers'], make: () => Request) {
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.#make = make;
  }

  [MAKE](): Request {
    if (!this.#request) {
      try {
        this.#request = (this.#make as () => Request)();
      } catch (cause) {
        // Node took a header that a Web `Headers` refuses (a NUL with a lenient parser, a character a
        // middleware wrote): the request's own fault, answered as such, whichever route or hook asked.
        throw new ItsmeSignError('INVALID_REQUEST', {
          message: 'The request has a header that is not valid HTTP.',
          field: 'headers',
          cause,
        });
      }
      this.#make = undefined;
    }
    return this.#request;
  }
}

/** The Web `Request` of a request the handler was given (made now for a deferred one). */
export const webRequest = (request: RequestLike): Request =>
  request instanceof DeferredRequest ? request[MAKE]() : (request as Request);

/**
 * The Web `Request` to hand to a hook that reports a failure (`onError`): never throws, so reporting cannot
 * fail in its turn; a request that makes no Web `Request` (a header Node took and `Headers` refuses) is
 * reported as `http://invalid.host/`.
 */
export function hookRequest(request: RequestLike): Request {
  try {
    return webRequest(request);
  } catch {
    return new Request('http://invalid.host/');
  }
}

/** A JSON answer of the handler before it is a Web `Response` (the Node bridge writes it as it is). */
export interface TextAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** What a route answers: a Web `Response` (redirects, downloads) or a JSON text. */
export type Answer = Response | TextAnswer;

/**
 * The handler's entry for adapters that write the answer themselves (the Node bridge), under a symbol: not
 * part of the handler's public shape, and absent from handlers an app builds itself (then `handle` is used).
 */
export const ANSWER = Symbol('itsme-sign.handler.answer');

/** A handler that answers through `ANSWER` too (core's own). */
export interface AnsweringHandler extends ItsmeSignHandler {
  [ANSWER](request: RequestLike, options?: HandleOptions): Promise<Answer | undefined>;
}
