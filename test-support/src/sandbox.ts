/** The sandbox's B2B API as a test sees it from outside: raw bytes over node:https, any body, any certificate. */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What `b2bRaw` reads of a sandbox (structurally `Sandbox` from `@itsme-sign/sandbox`). */
export interface B2BSandbox {
  b2bUrl: string;
  credentials: { clientCertPem: string; clientKeyPem: string; caCertPem: string };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export interface TlsIdentity {
  cert?: string;
  key?: string;
  ca?: string;
}

/** POSTs (or GETs) raw bytes to the B2B API over mutual TLS. */
export function b2bRaw(
  sb: B2BSandbox,
  path: string,
  body: unknown,
  opts: {
    method?: string;
    tls?: TlsIdentity;
    headers?: Record<string, string>;
    raw?: string;
    /** The path from the B2B origin instead of from `b2bUrl` (which ends in the base path). */
    fromOrigin?: boolean;
  } = {},
): Promise<RawResponse> {
  const tls = opts.tls ?? {
    cert: sb.credentials.clientCertPem,
    key: sb.credentials.clientKeyPem,
    ca: sb.credentials.caCertPem,
  };
  const payload = opts.raw ?? (body === undefined ? '' : JSON.stringify(body));
  const method = opts.method ?? 'POST';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${opts.fromOrigin ? new URL(sb.b2bUrl).origin : sb.b2bUrl}${path}`,
      {
        method,
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
        ca: tls.ca,
        headers: { 'content-type': 'application/json', ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (method !== 'GET') req.write(payload);
    req.end();
  });
}
