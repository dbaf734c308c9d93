/**
 * Node `IncomingMessage`/`ServerResponse` ↔ Web `Request`/`Response`, shared by the Express and NestJS
 * adapters so each of them stays a few lines long.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface NodeRequestLike extends IncomingMessage {
  /** Set by body parsers that ran before us (Express `express.json()`, Nest's default parser). */
  body?: unknown;
  /** Express/Nest `req.originalUrl` (the URL before mounting stripped a prefix). */
  originalUrl?: string;
  /** Express `req.protocol` (honours `trust proxy`). */
  protocol?: string;
}

/** Builds a Web `Request` for a Node request; aborts its signal when the client goes away. */
export function toWebRequest(req: NodeRequestLike, res: ServerResponse): Request {
  const socket = req.socket as { encrypted?: boolean };
  const protocol = req.protocol ?? (socket.encrypted ? 'https' : 'http');
  const host = req.headers.host ?? 'localhost';
  const url = `${protocol}://${host}${req.originalUrl ?? req.url ?? '/'}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const method = (req.method ?? 'GET').toUpperCase();
  let body: BodyInit | undefined;
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
      headers.delete('content-length');
    } else if (!req.readableEnded) {
      body = lazyBody(req);
    }
  }
  return new Request(url, {
    method,
    headers,
    signal: controller.signal,
    ...(body === undefined ? {} : { body, duplex: 'half' }),
  } as RequestInit);
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
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  if (response.headers.has('content-length')) {
    // A body of known size (every answer of the handler): one write, no stream machinery.
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
