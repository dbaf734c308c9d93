/**
 * Node `IncomingMessage`/`ServerResponse` ↔ Web `Request`/`Response`, shared by the Express and NestJS
 * adapters so each of them stays a few lines long.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HandleOptions, ItsmeSignHandler } from './handler-types.js';
import {
  ANSWER,
  type AnsweringHandler,
  DeferredRequest,
  type RequestLike,
  type TextAnswer,
  webRequest,
} from './request-like.js';
import { unreadText } from './response-text.js';

export interface NodeRequestLike extends IncomingMessage {
  /** Set by body parsers that ran before us (Express `express.json()`, Nest's default parser). */
  body?: unknown;
  /** Express/Nest `req.originalUrl` (the URL before mounting stripped a prefix). */
  originalUrl?: string;
  /** Express `req.protocol` (honours `trust proxy`). */
  protocol?: string;
}

/**
 * A Web `Request` over a Node request whose abort signal is made only when someone reads it (a long poll, a
 * session start): linking a signal into every `Request` costs more than the rest of the bridge.
 */
class NodeRequest extends Request {
  readonly #res: ServerResponse;
  #controller: AbortController | undefined;

  constructor(url: string, init: RequestInit, res: ServerResponse) {
    super(url, init);
    this.#res = res;
  }

  /** Aborted when the client goes away before the answer is written (also if it already has). */
  override get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = new AbortController();
      const res = this.#res;
      const gone = () => {
        if (!res.writableFinished) controller.abort();
      };
      if (res.closed) gone();
      else res.once('close', gone);
      this.#controller = controller;
    }
    return this.#controller.signal;
  }
}

const protocolOf = (req: NodeRequestLike): string =>
  req.protocol ?? ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');

/** Builds a Web `Request` for a Node request; aborts its signal when the client goes away. */
export function toWebRequest(req: NodeRequestLike, res: ServerResponse): Request {
  const host = req.headers.host ?? 'localhost';
  const url = `${protocolOf(req)}://${host}${req.originalUrl ?? req.url ?? '/'}`;
  const method = (req.method ?? 'GET').toUpperCase();
  let body: BodyInit | undefined;
  let dropLength = false;
  if (method !== 'GET' && method !== 'HEAD') {
    const consumed = req.readableEnded || (req as { _body?: boolean })._body === true;
    if (consumed && req.body !== undefined) {
      // A body parser already consumed the stream: hand over what it parsed.
      body =
        typeof req.body === 'string'
          ? req.body
          : Buffer.isBuffer(req.body)
            ? new Uint8Array(req.body)
            : JSON.stringify(req.body);
      dropLength = true;
    } else if (!req.readableEnded) {
      body = lazyBody(req);
    }
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headersInit(req.headers, dropLength) };
  if (body !== undefined) {
    init.body = body;
    init.duplex = 'half';
  }
  return new NodeRequest(url, init, res);
}

/**
 * What the handler reads of a Node request. A GET or HEAD request (no body) on a host that makes a valid URL
 * gives a request whose Web `Request` is made only if a route or hook needs it (then `made` is called with
 * it); any other request gets its Web `Request` now, so it fails here, as `toWebRequest` does, when Node took
 * a request that makes no Web `Request`.
 */
export function nodeRequest(
  req: NodeRequestLike,
  res: ServerResponse,
  made?: (request: Request) => void,
): RequestLike {
  const method = req.method;
  const protocol = protocolOf(req);
  const target = req.originalUrl ?? req.url ?? '/';
  const origin =
    (method === 'GET' || method === 'HEAD') &&
    (protocol === 'http' || protocol === 'https') &&
    target.charCodeAt(0) === 0x2f
      ? urlOrigin(protocol, req.headers.host ?? 'localhost')
      : undefined;
  if (origin !== undefined) {
    return new DeferredRequest(`${origin}${target}`, method as string, new NodeHeaders(req.headers), () => {
      const request = toWebRequest(req, res);
      made?.(request);
      return request;
    });
  }
  const request = toWebRequest(req, res);
  made?.(request);
  return request;
}

/** A host name or address with an optional port; what `URL` makes of these is learnt once per origin. */
const PLAIN_HOST = /^(?:[A-Za-z\d-]+(?:\.[A-Za-z\d-]+)*|\[[\dA-Fa-f:.]+\])(?::\d{1,5})?$/;
/**
 * Origins known to make a valid URL (a browser sends the same Host on every request), as `URL` writes them
 * (`http://127.1` → `http://127.0.0.1`, `https://EXAMPLE.com:443` → `https://example.com`): the light request's
 * URL is the one a Web `Request` would have, so the cookie and origin checks see the same host. Bounded.
 */
const urlOrigins = new Map<string, string>();

function urlOrigin(protocol: string, host: string): string | undefined {
  const given = `${protocol}://${host}`;
  const known = urlOrigins.get(given);
  if (known !== undefined) return known;
  if (!PLAIN_HOST.test(host) || !URL.canParse(`${given}/`)) return undefined;
  const origin = new URL(`${given}/`).origin;
  if (urlOrigins.size >= 100) urlOrigins.clear();
  urlOrigins.set(given, origin);
  return origin;
}

/** Node's request headers read as a Web `Headers` reads them (`get` only). */
class NodeHeaders {
  readonly #headers: IncomingHttpHeaders;
  constructor(headers: IncomingHttpHeaders) {
    this.#headers = headers;
  }
  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()];
    if (value === undefined) return null;
    const text = typeof value === 'string' ? value : value.join(', ');
    // A Web header value has no leading or trailing HTTP whitespace.
    return text.length === 0 || (text.charCodeAt(0) > 0x20 && text.charCodeAt(text.length - 1) > 0x20)
      ? text
      : text.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  }
}

/**
 * Answers a Node request with `handler` (core's writes its JSON answers without a Web `Response`); `false`
 * when the request is not one of the handler's routes (nothing is written).
 */
export async function answerNode(
  handler: ItsmeSignHandler,
  request: RequestLike,
  res: ServerResponse,
  options?: HandleOptions,
): Promise<boolean> {
  const answer = (handler as Partial<AnsweringHandler>)[ANSWER];
  const answered = answer
    ? await answer.call(handler, request, options)
    : await handler.handle(webRequest(request), options);
  if (!answered) return false;
  if (answered instanceof Response) await sendWebResponse(answered, res);
  else sendText(answered, res);
  return true;
}

/** Writes a JSON answer of the handler: status, headers, its text in one call. */
function sendText(answer: TextAnswer, res: ServerResponse): void {
  res.statusCode = answer.status;
  const headers = answer.headers;
  for (const name in headers) res.setHeader(name, headers[name] as string);
  if (!res.destroyed) res.end(answer.text);
}

/**
 * Node's header object as it is when every value is a single string (the common case: Node joins repeated
 * request headers, except `set-cookie`); else name/value pairs, a repeated header once per value.
 */
function headersInit(headers: IncomingHttpHeaders, dropLength: boolean): HeadersInit {
  let simple = !dropLength;
  for (const name in headers) if (typeof headers[name] !== 'string') simple = false;
  if (simple) return headers as Record<string, string>;
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (dropLength && name === 'content-length')) continue;
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else pairs.push([name, value]);
  }
  return pairs;
}

/**
 * The request body as a Web stream that touches the Node stream only when read: a request the handler does
 * not answer (it calls `next()`) reaches the app's own routes with its body intact.
 */
function lazyBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer | string> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= req[Symbol.asyncIterator]();
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : new Uint8Array(value));
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Writes a Web `Response` to a Node response (status, every header incl. several Set-Cookie, streamed body). */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  const headers = response.headers;
  for (const [name, value] of headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  if (headers.has('set-cookie')) res.setHeader('set-cookie', headers.getSetCookie());
  // The handler's JSON answers: their text in one write, without a body stream.
  const text = unreadText(response);
  if (text !== undefined) {
    if (!res.destroyed) res.end(text);
    return;
  }
  if (!response.body) {
    res.end();
    return;
  }
  if (headers.has('content-length')) {
    // A body of known size: one write, no stream machinery.
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!res.destroyed) res.end(bytes);
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
  } catch (error) {
    // The browser went away (a tab closed during a long poll): nothing to answer, nothing to report.
    if (res.destroyed || (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}
