/** Small node:http helpers shared by the B2B and the front servers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; `undefined` for an empty or unparsable one. */
export function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer | undefined,
  contentType = 'application/json',
  extraHeaders: Record<string, string> = {},
): void {
  const headers: Record<string, string | number> = { 'cache-control': 'no-store', ...extraHeaders };
  if (body !== undefined) {
    headers['content-type'] = contentTypeHeader(contentType);
    headers['content-length'] = Buffer.byteLength(body);
  } else {
    headers['content-length'] = 0;
  }
  res.writeHead(status, headers);
  res.end(body);
}

/** The `content-type` header `send` gives a body of this type. */
export function contentTypeHeader(contentType: string): string {
  return contentType.includes('charset') || /^application\/(timestamp|ocsp|pkix)/.test(contentType)
    ? contentType
    : `${contentType}; charset=utf-8`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, body === undefined ? undefined : JSON.stringify(body));
}

export function redirect(res: ServerResponse, location: string, status = 303): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

export function listen(server: import('node:net').Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
