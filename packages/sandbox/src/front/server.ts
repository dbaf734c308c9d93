/**
 * The front server (plain HTTP): the user's identification and signing pages, the simulated app (`/phone`),
 * the control API (`/control/*`), the RFC 3161 TSA (`/tsa`) and the CAs' OCSP responders, CRLs and certificates
 * (`/pki/*`).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SandboxControl } from '../control.js';
import { isFaultEndpoint, parseFault } from '../faults.js';
import { BodyTooLargeError, parseJson, readBody, redirect, send, sendJson } from '../http-util.js';
import { handleRevocationRequest } from '../revocation/http.js';
import type { RevocationService } from '../revocation/service.js';
import { isRevocationReason } from '../revocation/store.js';
import type { Session } from '../sessions.js';
import { SimulationError, type Simulator } from '../simulator.js';
import { pageLang, texts } from './i18n.js';
import {
  confirmPage,
  indexPage,
  messagePage,
  outcomeMessage,
  phoneFormPage,
  phonePage,
  signPage,
} from './pages.js';

export type TsaHandler = (query: Buffer) => Promise<{ status: number; body: Buffer; contentType: string }>;

export interface FrontDeps {
  sim: Simulator;
  control: SandboxControl;
  tsa: TsaHandler;
  revocation: RevocationService;
  policyText: (ref: string, lang: string) => string | undefined;
}

function isEnded(s: Session): boolean {
  return s.endedAt !== undefined;
}

/** Runs a control call whose errors are the caller's input errors (HTTP 400). */
function badInput<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw new SimulationError(400, (e as Error).message);
  }
}

/** The front server's request listener (the server is listening before its deps exist: certificates name its port). */
export function frontRequestListener(deps: FrontDeps): RequestListener {
  const { sim, control } = deps;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url?.startsWith('/pki/') && (await handleRevocationRequest(req, res, sim, deps.revocation)))
      return;
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const lang = pageLang(url.searchParams.get('language'));
    const t = texts(lang);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (path.startsWith('/control')) return handleControl(req, res, path.slice('/control'.length), method);

    if (path === '/tsa' && method === 'POST') {
      const out = await deps.tsa(await readBody(req, 100_000));
      return send(res, out.status, out.body, out.contentType);
    }

    if (path === '/' && method === 'GET') {
      return send(
        res,
        200,
        indexPage([
          { label: 'Simulated itsme® app (phone)', href: '/phone' },
          { label: 'Sessions (control API)', href: '/control/sessions' },
          { label: 'Stats (control API)', href: '/control/stats' },
        ]),
        'text/html',
      );
    }

    if (path === '/qes/identify_yourself') {
      if (method === 'POST') {
        const form = new URLSearchParams((await readBody(req, 10_000)).toString('utf8'));
        const formLang = pageLang(form.get('language'));
        const s = sim.sessions.byUserToken(form.get('q') ?? '');
        if (s?.kind !== 'identification')
          return send(res, 404, messagePage(formLang, texts(formLang).unknown, 'unknown'), 'text/html');
        try {
          await sim.submitPhone(s, form.get('phone') ?? '');
        } catch (e) {
          if (e instanceof SimulationError && e.status === 400) {
            return send(res, 400, phoneFormPage(formLang, s, texts(formLang).invalidPhone), 'text/html');
          }
          if (!(e instanceof SimulationError)) throw e;
        }
        return redirect(res, `/qes/identify_yourself?language=${formLang}&q=${encodeURIComponent(s.token)}`);
      }
      const s = sim.sessions.byUserToken(url.searchParams.get('q') ?? '');
      if (s?.kind !== 'identification')
        return send(res, 404, messagePage(lang, t.unknown, 'unknown'), 'text/html');
      if (isEnded(s)) return redirect(res, s.redirectUrl, 302);
      if (s.state === 'waiting-phone') return send(res, 200, phoneFormPage(lang, s), 'text/html');
      return send(res, 200, confirmPage(lang, s), 'text/html');
    }

    if (path === '/qes/prove_its_you_poka' && method === 'GET') {
      const s = sim.sessions.byUserToken(url.searchParams.get('q') ?? '');
      if (s?.kind !== 'sign') return send(res, 404, messagePage(lang, t.unknown, 'unknown'), 'text/html');
      if (isEnded(s)) return redirect(res, s.redirectUrl, 302);
      sim.openSigningPage(s);
      return send(res, 200, signPage(lang, s, deps.policyText(s.signPolicyRef, lang)), 'text/html');
    }

    if (path === '/qes/session-state' && method === 'GET') {
      const s = sim.sessions.byUserToken(url.searchParams.get('q') ?? '');
      if (!s) return sendJson(res, 404, { state: 'unknown' });
      return sendJson(res, 200, {
        state: s.state,
        ...(isEnded(s) ? { redirectUrl: s.redirectUrl, message: outcomeMessage(t, s) } : {}),
      });
    }

    if (path === '/phone' && method === 'GET') {
      const number = (url.searchParams.get('number') ?? '').trim();
      const actions = number ? sim.pendingActions(number) : [];
      return send(
        res,
        200,
        phonePage(lang, number, actions, (s) => s.partnerCode),
        'text/html',
      );
    }

    if (path === '/phone/actions' && method === 'GET') {
      const number = url.searchParams.get('number') ?? '';
      return sendJson(res, 200, { ids: number ? sim.pendingActions(number).map((s) => s.id) : [] });
    }

    if (path === '/phone/act' && method === 'POST') {
      const form = new URLSearchParams((await readBody(req, 10_000)).toString('utf8'));
      const formLang = pageLang(form.get('language'));
      const number = form.get('number') ?? '';
      const s = sim.sessions.byUserToken(form.get('q') ?? '');
      if (s && s.state === 'waiting-app') {
        const action = form.get('action');
        const pickValue = form.get('pick');
        if (s.kind === 'sign') {
          if (pickValue !== null) sim.actOnSign(s, { pick: Number(pickValue) });
          else if (action === 'reject') sim.actOnSign(s, { action: 'reject' });
        } else if (action === 'approve' || action === 'reject') {
          await sim.actOnIdentification(s, action);
        }
      }
      return redirect(res, `/phone?number=${encodeURIComponent(number)}&language=${formLang}`);
    }

    send(res, 404, messagePage(lang, 'Not found', 'not-found'), 'text/html');
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, sub: string, method: string) {
    // JSON only: a cross-site page cannot send application/json without a CORS preflight (which we never allow).
    if (method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendJson(res, 415, { error: 'the control API takes application/json' });
    }
    const body = method === 'POST' ? parseJson(await readBody(req, 100_000)) : undefined;
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (method === 'GET' && sub === '/sessions') return sendJson(res, 200, control.sessions());
    if (method === 'GET' && sub === '/stats') return sendJson(res, 200, control.stats());
    if (method === 'GET' && sub === '/revocations') return sendJson(res, 200, await control.revocations());
    if (method === 'POST' && sub === '/revoke') {
      const str = (k: string) => (typeof b[k] === 'string' ? { [k]: b[k] as string } : {});
      if (b.reason !== undefined && !isRevocationReason(b.reason))
        throw new SimulationError(400, 'reason must be an RFC 5280 CRLReason name');
      return sendJson(
        res,
        200,
        await control.revoke({
          ...str('userCode'),
          ...str('phone'),
          ...str('serial'),
          ...str('time'),
          ...(b.certificate === 'tsa' || b.certificate === 'issuing-ca'
            ? { certificate: b.certificate }
            : {}),
          ...(isRevocationReason(b.reason) ? { reason: b.reason } : {}),
        }),
      );
    }
    if (method === 'POST' && sub === '/identify') {
      return sendJson(
        res,
        200,
        await control.identify({
          url: String(b.url ?? ''),
          ...(typeof b.phone === 'string' ? { phone: b.phone } : {}),
          ...(typeof b.action === 'string' ? { action: b.action as 'approve' } : {}),
        }),
      );
    }
    if (method === 'POST' && sub === '/sign') {
      return sendJson(
        res,
        200,
        await control.sign({
          url: String(b.url ?? ''),
          ...(typeof b.action === 'string' ? { action: b.action as 'approve' } : {}),
        }),
      );
    }
    if (method === 'POST' && sub === '/faults') {
      if (!isFaultEndpoint(b.endpoint)) throw new SimulationError(400, 'unknown endpoint');
      const endpoint = b.endpoint;
      badInput(() => control.setFault(endpoint, parseFault(b.fault)));
      return sendJson(res, 200, { faults: sim.faults.snapshot() });
    }
    const partnerCode = typeof b.partnerCode === 'string' ? b.partnerCode : undefined;
    if (method === 'POST' && sub === '/redirect-urls') {
      badInput(() => control.addRedirectUrl(String(b.url ?? ''), partnerCode));
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'POST' && sub === '/max-hashes') {
      return sendJson(
        res,
        200,
        badInput(() => control.setMaxHashes(b.maxHashes as number, partnerCode)),
      );
    }
    sendJson(res, 404, { error: 'unknown control endpoint' });
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      if (e instanceof SimulationError) return sendJson(res, e.status, { error: e.message });
      if (e instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'body too large' });
      sim.config.log(`front error: ${(e as Error).message}`);
      sendJson(res, 500, { error: 'internal error' });
    });
  };
}
