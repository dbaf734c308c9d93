/**
 * In-memory identification and sign sessions. Pending sessions expire at `expiresAt` (`actionTimeoutMs` after the
 * start, then again `actionTimeoutMs` after the push to the app; checked lazily on every read and by a periodic sweep); finished sessions stay queryable for `retentionMs`; at most `maxSessions`
 * are kept, the oldest finished ones being evicted first.
 */
import { randomBytes, randomInt } from 'node:crypto';

export interface LocalizedText {
  lang: string;
  value: string;
}

interface SessionBase {
  id: string;
  /** The opaque `q` token of the user-facing URL (not the B2B id). */
  token: string;
  partnerCode: string;
  serviceCode: string;
  redirectUrl: string;
  lang: string;
  createdAt: number;
  expiresAt: number;
  endedAt?: number;
  /** How many status calls the partner made for this session. */
  statusCalls: number;
}

/**
 * `not-allowed`: the account of the phone number may not hold a signing certificate (`SIGNATURE_NOT_ALLOWED`);
 * `failed`: the identification flow broke at itsme® (`UNEXPECTED_ERROR`).
 */
export type IdentificationState =
  | 'waiting-phone'
  | 'waiting-app'
  | 'identified'
  | 'rejected'
  | 'expired'
  | 'not-allowed'
  | 'failed';
export interface IdentificationSession extends SessionBase {
  kind: 'identification';
  state: IdentificationState;
  phone?: string;
  userCode?: string;
  /** What the app is asked to confirm: a certificate creation on first use, else an identification. */
  action?: 'CREATE_CERT' | 'IDENTIFY';
}

export type SignState = 'waiting-page' | 'waiting-app' | 'signed' | 'rejected' | 'expired';

/** One `docHash` entry of a sign request, and its signature once the user approved. */
export interface SignDocument {
  /** `docHash[].id`, returned as `whichDoc`. */
  id: string;
  /** The SHA-256 digest to sign (32 bytes). */
  digest: Buffer;
  /** The raw signature value, standard base64. */
  signatureB64?: string;
}

export interface SignSession extends SessionBase {
  kind: 'sign';
  state: SignState;
  reqID: string;
  userCode: string;
  phone: string;
  /** The request's `docHash` entries, in the request's order (one unless the partner has batch signing). */
  documents: SignDocument[];
  description: LocalizedText[];
  signerRole: LocalizedText[];
  signPolicyRef: string;
  commitmentTypeRef?: string;
  /** Three distinct icon names, in display order (web page and app show the same order). */
  icons: [string, string, string];
  /** Index (0–2) of the icon highlighted in tangerine on the signing page. */
  highlighted: number;
  /** Why a sign session ended in `rejected` (`user` or `wrong-icon`). */
  rejectReason?: 'user' | 'wrong-icon';
}

export type Session = IdentificationSession | SignSession;

/** Names of the poka-yoke icons (drawn as simple shapes by the pages). */
export const POKA_ICONS = [
  'circle',
  'square',
  'triangle',
  'diamond',
  'star',
  'hexagon',
  'cross',
  'heart',
  'moon',
  'drop',
  'bolt',
  'ring',
] as const;

export function pickPokaYoke(): { icons: [string, string, string]; highlighted: number } {
  const pool = [...POKA_ICONS] as string[];
  const icons: string[] = [];
  for (let i = 0; i < 3; i++) icons.push(pool.splice(randomInt(pool.length), 1)[0] as string);
  return { icons: icons as [string, string, string], highlighted: randomInt(3) };
}

/** A session id like the service's: 32–36 lowercase alphanumerics. */
export function newId(length = 36): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

export function isPending(s: Session): boolean {
  return s.state === 'waiting-phone' || s.state === 'waiting-app' || s.state === 'waiting-page';
}

export class SandboxSessions {
  private readonly byId = new Map<string, Session>();
  private readonly byToken = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly opts: { retentionMs: number; maxSessions: number; sweepEveryMs: number },
    private readonly onExpire: (s: Session) => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs);
    this.timer.unref();
  }

  add(s: Session): void {
    this.byId.set(s.id, s);
    this.byToken.set(s.token, s.id);
    if (this.byId.size > this.opts.maxSessions) this.evict();
  }

  get(id: string): Session | undefined {
    const s = this.byId.get(id);
    return s ? this.refresh(s) : undefined;
  }

  byUserToken(token: string): Session | undefined {
    const id = this.byToken.get(token);
    return id === undefined ? undefined : this.get(id);
  }

  all(): Session[] {
    return [...this.byId.values()].map((s) => this.refresh(s));
  }

  get size(): number {
    return this.byId.size;
  }

  /** Ends a pending session whose action timed out. */
  private refresh(s: Session): Session {
    if (isPending(s) && Date.now() >= s.expiresAt) {
      s.state = 'expired';
      s.endedAt = s.expiresAt;
      this.onExpire(s);
    }
    return s;
  }

  end<S extends Session>(s: S, state: S['state']): void {
    s.state = state;
    s.endedAt = Date.now();
  }

  sweep(): void {
    const now = Date.now();
    for (const s of this.byId.values()) {
      this.refresh(s);
      if (s.endedAt !== undefined && now - s.endedAt > this.opts.retentionMs) this.delete(s);
    }
  }

  private delete(s: Session): void {
    this.byId.delete(s.id);
    this.byToken.delete(s.token);
  }

  /** Evicts down to 90% of the cap at once, so the sort is paid once per many additions, not on each. */
  private evict(): void {
    const excess = this.byId.size - Math.floor(this.opts.maxSessions * 0.9);
    const ordered = [...this.byId.values()].sort(
      (a, b) => Number(isPending(a)) - Number(isPending(b)) || a.createdAt - b.createdAt,
    );
    for (const s of ordered.slice(0, excess)) this.delete(s);
  }

  close(): void {
    clearInterval(this.timer);
    this.byId.clear();
    this.byToken.clear();
  }
}
