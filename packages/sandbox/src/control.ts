/**
 * The control API: what a test does instead of a human with a phone. The same object backs `sb.control`
 * (in-process) and `POST/GET {frontUrl}/control/*` (JSON over HTTP).
 */
import type { Fault, FaultEndpoint } from './options.js';
import type { RevocationService, RevokedCertificate, RevokeRequest } from './revocation/service.js';
import type { Revocation } from './revocation/store.js';
import {
  type IdentificationAction,
  type SandboxStats,
  SimulationError,
  type Simulator,
  type UserAction,
} from './simulator.js';

export interface IdentifyControl {
  /** The `identificationUrl` returned by `user_identification` (or just its `q` token). */
  url: string;
  /** The phone number the user types. Default `+32470000001`. */
  phone?: string;
  /**
   * What the user does in the app. Default `approve`. `error`: the identification flow breaks at itsme® (the status
   * answers 409 `UNEXPECTED_ERROR`).
   */
  action?: IdentificationAction;
}

export interface SignControl {
  /** The `signingUrl` returned by `sign_document` (or just its `q` token). */
  url: string;
  /** What the user does in the app. `wrong-icon` taps an icon that is not highlighted (→ REJECTED). Default `approve`. */
  action?: UserAction | 'wrong-icon';
}

export interface ControlResult {
  /** Where the browser is sent now: the partner's registered redirect URL. */
  redirectUrl: string;
  /** The session state after the action. */
  state: string;
  userCode?: string;
}

export interface SandboxControl {
  identify(p: IdentifyControl): Promise<ControlResult>;
  sign(p: SignControl): Promise<ControlResult>;
  sessions(): Record<string, unknown>[];
  stats(): SandboxStats;
  setFault(endpoint: FaultEndpoint, fault: Fault | null): void;
  addRedirectUrl(url: string, partnerCode?: string): void;
  /**
   * Sets a partner's batch-signing contract option (default partner: the first): the most `docHash` entries one sign
   * request may carry, an integer from 1 (no batch option, the default) to 70. Applies to sign requests from now on.
   */
  setMaxHashes(maxHashes: number, partnerCode?: string): { partnerCode: string; maxHashes: number };
  /**
   * Revokes a certificate: a user's (`userCode` or `phone`), the TSA's (`certificate: 'tsa'`), the qualified CA's, or
   * any the sandbox CAs issued (`serial`), with an RFC 5280 `reason` and a `time` (default now). From then on the
   * CA's OCSP responder says `revoked` and its CRL lists it. Persisted in the data directory.
   */
  revoke(r: RevokeRequest): Promise<RevokedCertificate>;
  /** Every revocation of both CAs. */
  revocations(): Promise<Revocation[]>;
}

export const DEFAULT_PHONE = '+32470000001';

function tokenOf(url: string): string {
  if (typeof url !== 'string' || url.length === 0) throw new SimulationError(400, 'url is required');
  if (!url.includes('/')) return url;
  const q = URL.canParse(url) ? new URL(url).searchParams.get('q') : null;
  if (!q) throw new SimulationError(400, 'the url has no q parameter');
  return q;
}

const USER_ACTIONS = ['approve', 'reject', 'expire'];

export function createControl(sim: Simulator, revocation: RevocationService): SandboxControl {
  return {
    async identify({ url, phone = DEFAULT_PHONE, action = 'approve' }) {
      if (![...USER_ACTIONS, 'error'].includes(action))
        throw new SimulationError(400, 'action must be approve, reject, expire or error');
      const s = sim.sessionByToken(tokenOf(url));
      if (s.kind !== 'identification') throw new SimulationError(400, 'not an identification URL');
      if (s.state === 'identified' && s.action === undefined) {
        // Started with a known userCode: nothing to confirm.
        return {
          redirectUrl: s.redirectUrl,
          state: s.state,
          ...(s.userCode ? { userCode: s.userCode } : {}),
        };
      }
      if (s.state === 'waiting-phone') await sim.submitPhone(s, phone);
      // An account that may not sign ends at the phone number: nothing reaches the app.
      if (s.state !== 'not-allowed') await sim.actOnIdentification(s, action);
      return { redirectUrl: s.redirectUrl, state: s.state, ...(s.userCode ? { userCode: s.userCode } : {}) };
    },
    async sign({ url, action = 'approve' }) {
      if (![...USER_ACTIONS, 'wrong-icon'].includes(action)) {
        throw new SimulationError(400, 'action must be approve, reject, expire or wrong-icon');
      }
      const s = sim.sessionByToken(tokenOf(url));
      if (s.kind !== 'sign') throw new SimulationError(400, 'not a signing URL');
      if (action === 'wrong-icon') sim.actOnSign(s, { pick: (s.highlighted + 1) % 3 });
      else if (action === 'approve') sim.actOnSign(s, { pick: s.highlighted });
      else sim.actOnSign(s, { action });
      return { redirectUrl: s.redirectUrl, state: s.state, userCode: s.userCode };
    },
    sessions: () => sim.sessions.all().map((s) => sim.summary(s)),
    stats: () => sim.stats(),
    setFault: (endpoint, fault) => sim.faults.set(endpoint, fault),
    addRedirectUrl: (url, partnerCode) => sim.partners.addRedirectUrl(url, partnerCode),
    setMaxHashes: (maxHashes, partnerCode) => sim.partners.setMaxHashes(maxHashes, partnerCode),
    revoke: (r) => revocation.revoke(r),
    revocations: () => revocation.store.list(),
  };
}
