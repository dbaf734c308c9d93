/** Test clients of the B2B API: a raw node:https one (any body, any certificate) and undici (as core uses it). */
import { request as httpsRequest } from 'node:https';
import type { Sandbox } from '../sandbox.js';

export interface RawResponse {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
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
  sb: Sandbox,
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

/** undici, as core uses it (a devDependency of the sandbox). */
export type UndiciLike = typeof import('undici');

export async function loadUndici(): Promise<UndiciLike> {
  return import('undici');
}
