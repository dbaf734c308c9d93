/**
 * The revocation endpoints on the front server (plain HTTP, as validators fetch AIA and CRL URLs):
 * `POST /pki/ocsp/<ca>` (`application/ocsp-request`), `GET /pki/ocsp/<ca>/<base64 request>` (RFC 6960 A.1),
 * `GET /pki/crl/<ca>.crl` and `GET /pki/ca/<ca>.cer`, with `<ca>` = `root-ca` | `issuing-ca`.
 * Faults of the `ocsp` and `crl` endpoints apply here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyTransportFault, isDataFault } from '../faults.js';
import { readBody, send } from '../http-util.js';
import { CA_IDS, type CaId } from '../pki/revocation-urls.js';
import type { Simulator } from '../simulator.js';
import type { RevocationService } from './service.js';

const ROUTE = /^\/pki\/(ocsp|crl|ca)\/(root-ca|issuing-ca)(?:\.crl|\.cer)?(?:\/(.*))?$/;

const TYPES = {
  ocsp: 'application/ocsp-response',
  crl: 'application/pkix-crl',
  ca: 'application/pkix-cert',
} as const;

/** Decodes the GET form of an OCSP request: URL-encoded (or not) standard base64, or base64url. */
function requestFromPath(encoded: string): Uint8Array<ArrayBuffer> {
  let b64 = encoded;
  try {
    b64 = decodeURIComponent(encoded);
  } catch {
    // not URL-encoded
  }
  return new Uint8Array(Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** Handles `/pki/…` requests; false when the path is not one of them. */
export async function handleRevocationRequest(
  req: IncomingMessage,
  res: ServerResponse,
  sim: Simulator,
  revocation: RevocationService,
): Promise<boolean> {
  // The raw path: a GET OCSP request's base64 may hold `/` and `+`, which URL parsing must not touch.
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  const m = ROUTE.exec(rawPath);
  const method = req.method ?? 'GET';
  if (!m) return false;
  const [, kind, caName, rest] = m as unknown as [string, keyof typeof TYPES, CaId, string | undefined];
  if (!CA_IDS.includes(caName)) return false;
  const okPath =
    kind === 'ocsp'
      ? (method === 'POST' && !rest) || (method === 'GET' && !!rest)
      : method === 'GET' && !rest && rawPath.endsWith(kind === 'crl' ? '.crl' : '.cer');
  if (!okPath) return false;

  sim.countCall(kind === 'ca' ? 'caIssuers' : kind);
  if (kind === 'ca') {
    send(res, 200, Buffer.from(revocation.ca(caName).cert.rawData), TYPES.ca);
    return true;
  }
  const fault = sim.faults.take(kind);
  if (fault) {
    sim.config.log(`${kind} ${caName}: fault ${fault.kind}`);
    if (fault.kind === 'status' || fault.kind === 'malformed') {
      const garbage = Buffer.from('<html>not DER</html>');
      if (fault.kind === 'status') send(res, fault.status, undefined);
      else send(res, 200, garbage, TYPES[kind]);
      return true;
    }
    if (await applyTransportFault(fault, req)) return true;
  }
  const dataFault = isDataFault(fault) ? fault.kind : undefined;
  const body =
    kind === 'crl'
      ? await revocation.crl(caName, dataFault)
      : await revocation.ocsp(
          caName,
          method === 'POST' ? new Uint8Array(await readBody(req, 10_000)) : requestFromPath(rest ?? ''),
          dataFault,
        );
  send(res, 200, body, TYPES[kind]);
  sim.config.log(`${kind} ${caName} → 200`);
  return true;
}
