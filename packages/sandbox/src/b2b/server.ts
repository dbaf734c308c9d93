/**
 * The B2B API over HTTPS with mutual TLS. TLS refuses a client without a certificate chaining to the sandbox root
 * (or equal to a registered self-signed partner certificate); the HTTP layer then checks that the certificate is a
 * registered partner's and that the source IP is allowed (403 otherwise). Faults are applied per endpoint.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ResultMajor } from '@itsme-sign/core';
import { applyTransportFault, isSigObjFault } from '../faults.js';
import { BodyTooLargeError, parseJson, readBody, send, sendJson } from '../http-util.js';
import type { Fault, FaultEndpoint } from '../options.js';
import { fingerprint } from '../partners.js';
import type { Simulator } from '../simulator.js';
import type { B2BContext, B2BReply } from './common.js';
import { type Discovery, discoveryText } from './discovery.js';
import { identificationStatus, startIdentification } from './identification.js';
import { signDocument, signEndpointOf, verifyDocument } from './sign.js';

const BASE_PATH = '/qes-partners/1.0.0';

type Endpoint = FaultEndpoint | 'verify';

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

export interface B2BServerDeps {
  sim: Simulator;
  discovery: Discovery;
  allowedIps: readonly string[];
  tls: { key: string; cert: string; ca: string[] };
}

export function createB2BServer(deps: B2BServerDeps): Server {
  const { sim } = deps;
  const allowed = new Set(deps.allowedIps.map(normalizeIp));

  async function applyFault(fault: Fault, endpoint: Endpoint, req: IncomingMessage, res: ServerResponse) {
    switch (fault.kind) {
      case 'status':
        sendJson(res, fault.status, faultBody(endpoint));
        return true;
      case 'malformed':
        send(res, 200, '{"status":"OK","asyncRespId":"trunc');
        return true;
      default:
        return (await applyTransportFault(fault, req)) ?? false;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    let path = new URL(req.url ?? '/', 'https://sandbox.invalid').pathname;
    if (path.startsWith(BASE_PATH)) path = path.slice(BASE_PATH.length);
    path = path.replace(/\/+$/, '') || '/';
    const raw = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
    const body = parseJson(raw);
    const endpoint = endpointOf(method, path, body);
    const reply = (r: B2BReply) => {
      sendJson(res, r.status, r.body);
      sim.config.log(`B2B ${method} ${path} → ${r.status} (${Date.now() - started} ms)`);
    };
    if (!endpoint) return reply({ status: 404, body: { status: 'NOK', statusReason: 'UNKNOWN' } });
    sim.countCall(endpoint);

    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const certificateFingerprint = peer?.raw ? fingerprint(peer.raw) : '';
    if (!allowed.has(normalizeIp(req.socket.remoteAddress))) {
      return reply({ status: 403, body: { status: 'NOK', statusReason: 'IP_NOT_ALLOWED' } });
    }
    if (!sim.partners.knowsCertificate(certificateFingerprint)) {
      return reply({ status: 403, body: { status: 'NOK', statusReason: 'UNKNOWN_CLIENT_CERTIFICATE' } });
    }

    if (endpoint !== 'verify') {
      // sigObj faults change a success answer's body: the sign status handler takes them.
      const fault = sim.faults.take(endpoint, (f) => !isSigObjFault(f));
      if (fault) {
        sim.config.log(`B2B ${method} ${path}: fault ${fault.kind}`);
        if (await applyFault(fault, endpoint, req, res)) return;
      }
    }

    const headerPartnerCode = req.headers['x-partner-code'];
    const ctx: B2BContext = {
      certificateFingerprint,
      headerPartnerCode: (Array.isArray(headerPartnerCode) ? headerPartnerCode[0] : headerPartnerCode) ?? '',
    };
    switch (endpoint) {
      case 'discovery':
        send(res, 200, discoveryText(deps.discovery));
        sim.config.log(`B2B GET ${path} → 200`);
        return;
      case 'identification':
        return reply(startIdentification(sim, body, ctx));
      case 'identificationStatus':
        return reply(identificationStatus(sim, body, ctx));
      case 'sign':
      case 'signStatus':
        return reply(signDocument(sim, deps.discovery, body, ctx));
      case 'verify':
        return reply(verifyDocument(sim, body));
    }
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
