/** A programmable HTTPS server that requires a client certificate, for the B2B client's tests. */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface Answer {
  status?: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Destroy the connection. */
  reset?: boolean;
}

export interface Seen {
  path: string;
  method: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  peerCn: string | undefined;
}

export interface MtlsServer {
  url: string;
  seen: Seen[];
  /** Answers by path; a function may answer differently on each call. */
  answer(path: string, a: Answer | ((n: number) => Answer)): void;
  close(): Promise<void>;
}

export async function startMtlsServer(tls: { cert: string; key: string; ca: string }): Promise<MtlsServer> {
  const routes = new Map<string, (n: number) => Answer>();
  const counts = new Map<string, number>();
  const seen: Seen[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const path = req.url ?? '/';
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      seen.push({
        path,
        method: req.method ?? '',
        body: text ? JSON.parse(text) : undefined,
        headers: req.headers,
        peerCn: typeof peer?.subject?.CN === 'string' ? peer.subject.CN : undefined,
      });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const a = routes.get(path)?.(n) ?? { status: 404, body: { status: 'NOK', statusReason: 'UNKNOWN' } };
      if (a.hang) return;
      if (a.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
      res.end(a.raw ?? (a.body === undefined ? '' : JSON.stringify(a.body)));
    });
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    answer(path, a) {
      routes.set(path, typeof a === 'function' ? a : () => a);
      counts.set(path, 0);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
