/**
 * The B2B API over HTTPS with mutual TLS. TLS refuses a client without a certificate chaining to the sandbox root
 * (or equal to a registered self-signed partner certificate); the HTTP layer then checks that the certificate is a
 * registered partner's and that the source IP is allowed (403 otherwise). Faults are applied per endpoint. Every
 * endpoint lives under the base path `/qes-partners/1.0.0` only; another path is the gateway's HTML 404. A POST
 * must declare `application/json` (415 otherwise).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ResultMajor } from '@itsme-sign/core';
import { applyTransportFault, isSigObjFault } from '../faults.js';
import { BodyTooLargeError, parseJson, readBody, send, sendJson } from '../http-util.js';
import type { B2B_FAULT_ENDPOINTS, Fault } from '../options.js';
import { fingerprint } from '../partners.js';
import type { Simulator } from '../simulator.js';
import type { B2BContext, B2BReply } from './common.js';
import { type Discovery, discoveryText } from './discovery.js';
import { retryAfterHeaders, sendGatewayPage, sendSlowly, sendTruncated } from './gateway.js';
import { identificationStatus, startIdentification } from './identification.js';
import { signDocument, signEndpointOf, verifyDocument } from './sign.js';

/** The swagger's `basePath`: every endpoint lives under it (PROTOCOL-NOTES §23). */
export const BASE_PATH = '/qes-partners/1.0.0';

type Endpoint = (typeof B2B_FAULT_ENDPOINTS)[number];

function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function endpointOf(method: string, path: string, body: unknown): Endpoint | undefined {
  if (method === 'GET' && path === '/.well-known/configuration') return 'discovery';
  if (method !== 'POST') return undefined;
  if (path === '/user_identification') return 'identification';
  if (path === '/user_identification/status') return 'identificationStatus';
  if (path === '/sign_document') return signEndpointOf(body);
  if (path === '/verify_document') return 'verify';
  return undefined;
}

function faultBody(endpoint: Endpoint): unknown {
  if (endpoint === 'sign' || endpoint === 'signStatus' || endpoint === 'verify') {
    return { result: { maj: ResultMajor.ResponderError, min: 'TECHNICAL_ERROR' } };
  }
  if (endpoint === 'discovery') return { error: 'TECHNICAL_ERROR' };
  return { status: 'NOK', statusReason: 'TECHNICAL_ERROR' };
}

/** `application/json`, with or without parameters (`; charset=utf-8`), in any case. */
function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * A POST whose body is not declared `application/json` (the swagger's only `consumes`): HTTP 415, the standard
 * status for it, with the endpoint's error body (the sources name no reason token for it; the body could not be
 * read as a request: `NO_REQUEST` / `INCOMPLETE_REQUEST`).
 */
function unsupportedMediaType(endpoint: Endpoint): B2BReply {
  if (endpoint === 'identification' || endpoint === 'identificationStatus') {
    return { status: 415, body: { status: 'NOK', statusReason: 'NO_REQUEST' } };
  }
  return {
    status: 415,
    body: {
      result: {
        maj: ResultMajor.RequesterError,
        min: 'INCOMPLETE_REQUEST',
        msg: { lang: 'EN', value: 'The request body must be application/json.' },
      },
    },
  };
}

/** An answer before it is sent: status, body bytes (empty = no body), content type. */
interface Answer {
  status: number;
  body: Buffer;
  contentType: string;
}

function jsonAnswer(r: B2BReply): Answer {
  return {
    status: r.status,
    body: r.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(r.body)),
    contentType: 'application/json',
  };
}

export interface B2BServerDeps {
  sim: Simulator;
  discovery: Discovery;
  allowedIps: readonly string[];
  tls: { key: string; cert: string; ca: string[] };
}

export function createB2BServer(deps: B2BServerDeps): Server {
  const { sim } = deps;
  const allowed = new Set(deps.allowedIps.map(normalizeIp));

  /** Answers instead of the service (true), or lets the call through (false); `truncated`/`slow` pass through. */
  async function applyFault(fault: Fault, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse) {
    switch (fault.kind) {
      case 'status':
        send(
          res,
          fault.status,
          JSON.stringify(faultBody(endpoint)),
          'application/json',
          retryAfterHeaders(fault),
        );
        return true;
      case 'html':
        sendGatewayPage(res, fault.status, fault);
        return true;
      case 'empty':
        send(res, fault.status, undefined);
        return true;
      case 'unexpectedError':
        sendJson(res, 400, { status: 'NOK', statusReason: 'UNEXPECTED_ERROR' });
        return true;
      case 'malformed':
        send(res, 200, '{"status":"OK","asyncRespId":"trunc');
        return true;
      default:
        return (await applyTransportFault(fault, req)) ?? false;
    }
  }

  function answer(endpoint: Endpoint, body: unknown, ctx: B2BContext): Answer {
    switch (endpoint) {
      case 'discovery':
        return {
          status: 200,
          body: Buffer.from(discoveryText(deps.discovery)),
          contentType: 'application/json',
        };
      case 'identification':
        return jsonAnswer(startIdentification(sim, body, ctx));
      case 'identificationStatus':
        return jsonAnswer(identificationStatus(sim, body, ctx));
      case 'sign':
      case 'signStatus':
        return jsonAnswer(signDocument(sim, deps.discovery, body, ctx));
      case 'verify':
        return jsonAnswer(verifyDocument(sim, body));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const fullPath = new URL(req.url ?? '/', 'https://sandbox.invalid').pathname;
    // The service lives under its base path only, as at the real gateway: anything else is the gateway's 404.
    const underBase = fullPath.startsWith(`${BASE_PATH}/`);
    const path = (underBase ? fullPath.slice(BASE_PATH.length) : fullPath).replace(/\/+$/, '') || '/';
    const raw = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const body = parseJson(raw);
    const endpoint = underBase ? endpointOf(method, path, body) : undefined;
    const logged = (status: number, note = '') =>
      sim.config.log(`B2B ${method} ${fullPath} → ${status}${note} (${Date.now() - started} ms)`);
    const reply = (r: B2BReply) => {
      sendJson(res, r.status, r.body);
      logged(r.status);
    };
    if (!endpoint) {
      sendGatewayPage(res, 404);
      return logged(404);
    }
    sim.countCall(endpoint);

    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const certificateFingerprint = peer?.raw ? fingerprint(peer.raw) : '';
    if (!allowed.has(normalizeIp(req.socket.remoteAddress))) {
      return reply({ status: 403, body: { status: 'NOK', statusReason: 'IP_NOT_ALLOWED' } });
    }
    if (!sim.partners.knowsCertificate(certificateFingerprint)) {
      return reply({ status: 403, body: { status: 'NOK', statusReason: 'UNKNOWN_CLIENT_CERTIFICATE' } });
    }

    // sigObj faults change a success answer's body: the sign status handler takes them.
    const fault = sim.faults.take(endpoint, (f) => !isSigObjFault(f));
    if (fault) {
      sim.config.log(`B2B ${method} ${path}: fault ${fault.kind}`);
      if (await applyFault(fault, endpoint, req, res))
        return logged(res.statusCode, ` (fault ${fault.kind})`);
    }

    if (method === 'POST' && !isJsonContentType(req.headers['content-type'])) {
      return reply(unsupportedMediaType(endpoint));
    }

    const headerPartnerCode = req.headers['x-partner-code'];
    const ctx: B2BContext = {
      certificateFingerprint,
      headerPartnerCode: (Array.isArray(headerPartnerCode) ? headerPartnerCode[0] : headerPartnerCode) ?? '',
    };
    const out = answer(endpoint, body, ctx);
    if (fault?.kind === 'truncated') sendTruncated(res, out.status, out.body, out.contentType);
    else if (fault?.kind === 'slow') sendSlowly(res, out.status, out.body, out.contentType, fault.ms);
    else send(res, out.status, out.body.length > 0 ? out.body : undefined, out.contentType);
    logged(out.status, fault ? ` (fault ${fault.kind})` : '');
  }

  return createServer(
    {
      key: deps.tls.key,
      cert: deps.tls.cert,
      ca: deps.tls.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        if (res.headersSent) return res.destroy();
        if (e instanceof BodyTooLargeError)
          return sendJson(res, 413, { status: 'NOK', statusReason: 'ERROR' });
        sim.config.log(`B2B error: ${(e as Error).message}`);
        sendJson(res, 500, { status: 'NOK', statusReason: 'TECHNICAL_ERROR' });
      });
    },
  );
}
