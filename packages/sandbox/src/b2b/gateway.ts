/**
 * What a reverse proxy or WAF in front of the B2B API sends instead of (or on the way of) the service's answer: HTML
 * error pages, empty error answers, `Retry-After`, a body cut mid-way, a body trickled slowly.
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import { contentTypeHeader, send } from '../http-util.js';
import type { RetryAfter } from '../options.js';

/** An nginx-style error page, as gateways send them (`content-type: text/html`). */
export function gatewayPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** The `Retry-After` header a fault asks for (none without `retryAfter`). */
export function retryAfterHeaders(f: RetryAfter, now = Date.now()): Record<string, string> {
  if (f.retryAfter === undefined) return {};
  const value =
    f.retryAfterFormat === 'date'
      ? new Date(Math.ceil(now / 1000) * 1000 + f.retryAfter * 1000).toUTCString()
      : String(f.retryAfter);
  return { 'retry-after': value };
}

/** The HTML error page of a gateway with this status. */
export function sendGatewayPage(res: ServerResponse, status: number, f: RetryAfter = {}): void {
  send(res, status, gatewayPage(status), 'text/html', retryAfterHeaders(f));
}

/** An answer as it is, but by hand: headers (with the full `content-length`) written before the body. */
function head(res: ServerResponse, status: number, body: Buffer, contentType: string): void {
  const headers: Record<string, string | number> = {
    'cache-control': 'no-store',
    'content-length': body.length,
  };
  if (body.length > 0) headers['content-type'] = contentTypeHeader(contentType);
  res.writeHead(status, headers);
}

/**
 * The answer cut mid-way: the headers announce the whole body, half of it is sent, then the connection is closed
 * (for an answer without a body: closed before the headers).
 */
export function sendTruncated(res: ServerResponse, status: number, body: Buffer, contentType: string): void {
  if (body.length < 2) {
    res.socket?.destroy();
    return;
  }
  head(res, status, body, contentType);
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

/** The headers at once, then the body in pieces spread over `ms` milliseconds (at least 2 pieces when it can). */
export function sendSlowly(
  res: ServerResponse,
  status: number,
  body: Buffer,
  contentType: string,
  ms: number,
): void {
  head(res, status, body, contentType);
  res.flushHeaders();
  const pieces = Math.max(1, Math.min(body.length, Math.max(2, Math.ceil(ms / 50))));
  const size = Math.ceil(body.length / pieces);
  const every = ms / pieces;
  let offset = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (res.destroyed) return;
    const piece = body.subarray(offset, offset + size);
    offset += piece.length;
    if (offset >= body.length) return void res.end(piece);
    res.write(piece);
    timer = setTimeout(next, every);
  };
  res.once('close', () => clearTimeout(timer));
  timer = setTimeout(next, every);
}
