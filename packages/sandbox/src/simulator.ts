/**
 * The simulated itsme® back office: sessions, users, the user's actions in the app, and counters.
 * The B2B handlers, the user pages, the phone and the control API all act through this one object.
 */
import { FaultTable } from './faults.js';
import type { PartnerRegistry } from './partners.js';
import type { Pki } from './pki/authority.js';
import type { KeyType } from './pki/keys.js';
import { isPlausiblePhone, normalizePhone, type SandboxUser, type UserRegistry } from './pki/users.js';
import {
  type IdentificationSession,
  isPending,
  newId,
  pickPokaYoke,
  SandboxSessions,
  type Session,
  type SignDocument,
  type SignSession,
} from './sessions.js';
import { signDigest } from './signer.js';

export type UserAction = 'approve' | 'reject' | 'expire';
/**
 * What happens to an identification in the app: a user action, or `error` — the identification flow breaks at
 * itsme® (the status then answers 409 `UNEXPECTED_ERROR`, the guide's "unexpected error during User's
 * Identification flow").
 */
export type IdentificationAction = UserAction | 'error';

export interface SimulatorConfig {
  actionTimeoutMs: number;
  userKeyType: KeyType;
  identificationIdSpelling: 'asyncRespId' | 'asyncRespID';
  retentionMs: number;
  maxSessions: number;
  disabledPolicies: string[];
  /** Phone numbers whose account may not hold a signing certificate (→ `SIGNATURE_NOT_ALLOWED`). */
  signatureNotAllowedPhones: string[];
  log: (line: string) => void;
}

export interface SandboxStats {
  calls: Record<string, number>;
  signSessionsStarted: number;
  /** Signature values produced: one per hash (a batch of 3 approved counts 3). */
  signaturesProduced: number;
  identificationSessionsStarted: number;
  usersCreated: number;
  statusCallsBySession: Record<string, number>;
}

/** An error of the user-side simulation (wrong state, unknown session); `status` is the HTTP status to answer. */
export class SimulationError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimulationError';
  }
}

export class Simulator {
  readonly sessions: SandboxSessions;
  readonly faults: FaultTable;
  frontUrl = '';
  private readonly counters = {
    calls: {} as Record<string, number>,
    signSessionsStarted: 0,
    signaturesProduced: 0,
    identificationSessionsStarted: 0,
    usersCreated: 0,
  };

  constructor(
    readonly config: SimulatorConfig,
    readonly pki: Pki,
    readonly users: UserRegistry,
    readonly partners: PartnerRegistry,
    faults: FaultTable,
  ) {
    this.faults = faults;
    for (const phone of config.signatureNotAllowedPhones) this.notAllowed.add(normalizePhone(phone));
    this.sessions = new SandboxSessions(
      {
        retentionMs: config.retentionMs,
        maxSessions: config.maxSessions,
        sweepEveryMs: Math.max(250, Math.min(config.actionTimeoutMs / 2, 30_000)),
      },
      (s) => this.config.log(`${s.kind} ${s.id} expired`),
    );
  }

  countCall(endpoint: string): void {
    this.counters.calls[endpoint] = (this.counters.calls[endpoint] ?? 0) + 1;
  }

  stats(): SandboxStats {
    const statusCallsBySession: Record<string, number> = {};
    for (const s of this.sessions.all()) if (s.statusCalls > 0) statusCallsBySession[s.id] = s.statusCalls;
    return {
      calls: { ...this.counters.calls },
      signSessionsStarted: this.counters.signSessionsStarted,
      signaturesProduced: this.counters.signaturesProduced,
      identificationSessionsStarted: this.counters.identificationSessionsStarted,
      usersCreated: this.counters.usersCreated,
      statusCallsBySession,
    };
  }

  private deadline(): number {
    return Date.now() + this.config.actionTimeoutMs;
  }

  private readonly notAllowed = new Set<string>();

  identificationUrl(s: IdentificationSession): string {
    return `${this.frontUrl}/qes/identify_yourself?language=${s.lang}&q=${s.token}`;
  }

  signingUrl(s: SignSession): string {
    return `${this.frontUrl}/qes/prove_its_you_poka?language=${s.lang}&q=${s.token}`;
  }

  // ---------------------------------------------------------------------------------------------------
  // Identification
  // ---------------------------------------------------------------------------------------------------

  startIdentification(p: {
    partnerCode: string;
    serviceCode: string;
    redirectUrl: string;
    lang: string;
    userCode?: string;
  }): IdentificationSession {
    const known = p.userCode ? this.users.byUserCode(p.userCode) : undefined;
    const s: IdentificationSession = {
      kind: 'identification',
      id: newId(36),
      token: newId(32),
      partnerCode: p.partnerCode,
      serviceCode: p.serviceCode,
      redirectUrl: p.redirectUrl,
      lang: p.lang,
      createdAt: Date.now(),
      expiresAt: this.deadline(),
      statusCalls: 0,
      state: known ? 'identified' : 'waiting-phone',
      ...(known ? { phone: known.phone, userCode: known.userCode, endedAt: Date.now() } : {}),
    };
    this.sessions.add(s);
    this.counters.identificationSessionsStarted++;
    this.config.log(`identification ${s.id} started for ${p.partnerCode}/${p.serviceCode}`);
    return s;
  }

  /**
   * The user typed a phone number on the identification page: the app is asked to confirm, and the user's time to
   * act counts from this push (a CREATE_CERT not confirmed within `actionTimeoutMs` of it expires). A number whose
   * account may not sign ends the session at once (`not-allowed`).
   */
  async submitPhone(s: IdentificationSession, phone: string): Promise<void> {
    if (s.state !== 'waiting-phone') throw new SimulationError(409, `the session is ${s.state}`);
    if (!isPlausiblePhone(phone)) throw new SimulationError(400, 'not a phone number');
    s.phone = normalizePhone(phone);
    if (this.notAllowed.has(s.phone)) {
      this.sessions.end(s, 'not-allowed');
      this.config.log(`identification ${s.id}: not-allowed (this account may not sign)`);
      return;
    }
    s.action = (await this.users.hasCertificate(s.phone)) ? 'IDENTIFY' : 'CREATE_CERT';
    s.state = 'waiting-app';
    s.expiresAt = this.deadline();
    this.config.log(`identification ${s.id}: ${s.action} sent to the app`);
  }

  /** The user acted in the app on an identification (CREATE_CERT creates the key pair and certificate). */
  async actOnIdentification(s: IdentificationSession, action: IdentificationAction): Promise<void> {
    if (s.state !== 'waiting-app' || !s.phone) throw new SimulationError(409, `the session is ${s.state}`);
    if (action === 'error') {
      this.sessions.end(s, 'failed');
    } else if (action === 'approve') {
      const existed = await this.users.hasCertificate(s.phone);
      const user = await this.users.getOrCreate(s.phone, this.config.userKeyType);
      if (!existed) this.counters.usersCreated++;
      if (s.state !== 'waiting-app') throw new SimulationError(409, `the session is ${s.state}`);
      s.userCode = user.userCode;
      this.sessions.end(s, 'identified');
    } else {
      this.sessions.end(s, action === 'reject' ? 'rejected' : 'expired');
    }
    this.config.log(`identification ${s.id}: ${s.state}`);
  }

  // ---------------------------------------------------------------------------------------------------
  // Signing
  // ---------------------------------------------------------------------------------------------------

  startSign(p: {
    reqID: string;
    partnerCode: string;
    serviceCode: string;
    redirectUrl: string;
    lang: string;
    user: SandboxUser;
    documents: SignDocument[];
    description: SignSession['description'];
    signerRole: SignSession['signerRole'];
    signPolicyRef: string;
    commitmentTypeRef?: string;
  }): SignSession {
    const { user, ...rest } = p;
    const s: SignSession = {
      kind: 'sign',
      id: newId(36),
      token: newId(32),
      ...rest,
      userCode: user.userCode,
      phone: user.phone,
      createdAt: Date.now(),
      expiresAt: this.deadline(),
      statusCalls: 0,
      state: 'waiting-page',
      ...pickPokaYoke(),
    };
    this.sessions.add(s);
    this.counters.signSessionsStarted++;
    this.config.log(
      `sign ${s.id} started for ${p.partnerCode}/${p.serviceCode} (${s.documents.length} hash${s.documents.length === 1 ? '' : 'es'})`,
    );
    return s;
  }

  /**
   * The user opened the signing page: the poka-yoke is shown and the app receives the action; the user's time to
   * act counts from this push.
   */
  openSigningPage(s: SignSession): void {
    if (s.state !== 'waiting-page') return;
    s.state = 'waiting-app';
    s.expiresAt = this.deadline();
  }

  /** The user acted in the app on a sign action. `pick` is the icon tapped (a wrong one rejects the action). */
  actOnSign(s: SignSession, act: { action: UserAction } | { pick: number }): void {
    this.openSigningPage(s);
    if (s.state !== 'waiting-app') throw new SimulationError(409, `the session is ${s.state}`);
    const action: UserAction =
      'pick' in act ? (act.pick === s.highlighted ? 'approve' : 'reject') : act.action;
    if (action === 'approve') {
      const user = this.users.byUserCode(s.userCode);
      if (!user) throw new SimulationError(500, 'the user disappeared');
      for (const d of s.documents) d.signatureB64 = signDigest(user.keyPem, d.digest).toString('base64');
      this.counters.signaturesProduced += s.documents.length;
      this.sessions.end(s, 'signed');
    } else if (action === 'reject') {
      s.rejectReason = 'pick' in act ? 'wrong-icon' : 'user';
      this.sessions.end(s, 'rejected');
    } else {
      this.sessions.end(s, 'expired');
    }
    this.config.log(`sign ${s.id}: ${s.state}${s.rejectReason === 'wrong-icon' ? ' (wrong icon)' : ''}`);
  }

  // ---------------------------------------------------------------------------------------------------
  // The phone
  // ---------------------------------------------------------------------------------------------------

  /** Actions waiting in the app of this phone number, oldest first. */
  pendingActions(phone: string): Session[] {
    const p = normalizePhone(phone);
    return this.sessions
      .all()
      .filter((s) => s.state === 'waiting-app' && s.phone === p)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  sessionByToken(token: string): Session {
    const s = this.sessions.byUserToken(token);
    if (!s) throw new SimulationError(404, 'unknown or finished session');
    return s;
  }

  /** A JSON-safe summary of a session (no keys, no digests). */
  summary(s: Session): Record<string, unknown> {
    const base = {
      kind: s.kind,
      id: s.id,
      state: s.state,
      pending: isPending(s),
      partnerCode: s.partnerCode,
      serviceCode: s.serviceCode,
      redirectUrl: s.redirectUrl,
      lang: s.lang,
      phone: s.phone,
      userCode: s.userCode,
      createdAt: new Date(s.createdAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      statusCalls: s.statusCalls,
    };
    if (s.kind === 'identification') {
      return { ...base, action: s.action, url: this.identificationUrl(s) };
    }
    return {
      ...base,
      url: this.signingUrl(s),
      docId: s.documents[0]?.id,
      docIds: s.documents.map((d) => d.id),
      hashes: s.documents.length,
      icons: s.icons,
      highlighted: s.highlighted,
      rejectReason: s.rejectReason,
    };
  }

  close(): void {
    this.sessions.close();
  }
}
