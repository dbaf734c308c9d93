/**
 * The sandbox's revocation authority: which certificate each CA issued, which are revoked (the store), the OCSP
 * answers and CRLs of both CAs, and `revoke()` behind the control API.
 */
import { x509 } from '../crypto-provider.js';
import type { Pki } from '../pki/authority.js';
import type { IssuedCertificate } from '../pki/issue.js';
import { rogueAuthority } from '../pki/responders.js';
import { type CaId, type CaUrls, caUrls } from '../pki/revocation-urls.js';
import { normalizeSerial, type UserRegistry } from '../pki/users.js';
import { SimulationError } from '../simulator.js';
import { buildCrl } from './crl.js';
import type { CertStatus } from './ocsp.js';
import { isRevocationReason, type Revocation, type RevocationReason, RevocationStore } from './store.js';

export interface RevocationConfig {
  /** `nextUpdate - thisUpdate` of OCSP responses. */
  ocspValidityMs: number;
  /** `nextUpdate - thisUpdate` of CRLs. */
  crlValidityMs: number;
}

/** Which certificate to revoke: a user's (by `userCode` or `phone`), the TSA's, the qualified CA's, or any by serial. */
export interface RevokeRequest {
  userCode?: string;
  phone?: string;
  /** Serial number in hex, of a certificate issued by the root or the qualified CA. */
  serial?: string;
  certificate?: 'tsa' | 'issuing-ca';
  /** RFC 5280 CRLReason name. Default `unspecified` (then published without a reason code, as RFC 5280 asks). */
  reason?: RevocationReason;
  /** When the certificate is revoked (not in the future). Default: now. */
  time?: Date | string;
}

export type RevokedCertificate = Revocation & { subject: string };

/** Kinds of fault that change what the responder says rather than how the HTTP exchange goes. */
export type RevocationDataFault = 'unknown' | 'stale' | 'untrusted';

const SKEW_MS = 60_000;

export class RevocationService {
  readonly store: RevocationStore;

  constructor(
    private readonly pki: Pki,
    private readonly users: UserRegistry,
    readonly config: RevocationConfig,
  ) {
    this.store = new RevocationStore(pki.dir);
  }

  ca(ca: CaId): IssuedCertificate {
    return ca === 'root-ca' ? this.pki.root : this.pki.issuing;
  }

  urls(ca: CaId): CaUrls {
    return caUrls(this.pki.baseUrl ?? '', ca);
  }

  private ownCertificates(ca: CaId): IssuedCertificate[] {
    const { pki } = this;
    return ca === 'root-ca'
      ? [pki.issuing, pki.server, pki.partner, pki.tsa, pki.responders['root-ca']]
      : [pki.responders['issuing-ca']];
  }

  /** The subject of the certificate `ca` issued with this serial, if it did. */
  private async issued(ca: CaId, serial: string): Promise<string | undefined> {
    const s = normalizeSerial(serial);
    const own = this.ownCertificates(ca).find((c) => normalizeSerial(c.cert.serialNumber) === s);
    if (own) return own.cert.subject;
    if (ca !== 'issuing-ca') return undefined;
    const user = await this.users.bySerial(s);
    return user ? new x509.X509Certificate(user.certPem).subject : undefined;
  }

  async status(ca: CaId, serial: string): Promise<CertStatus> {
    const revoked = await this.store.find(ca, serial);
    if (revoked) return { status: 'revoked', time: new Date(revoked.time), reason: revoked.reason };
    return (await this.issued(ca, serial)) ? { status: 'good' } : { status: 'unknown' };
  }

  private window(validityMs: number, fault?: RevocationDataFault): { thisUpdate: Date; nextUpdate: Date } {
    const now = Date.now();
    const thisUpdate = new Date(fault === 'stale' ? now - 2 * validityMs : now);
    return { thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + validityMs) };
  }

  /** The DER `OCSPResponse` to a DER `OCSPRequest` sent to `ca`'s responder. */
  async ocsp(ca: CaId, requestDer: Uint8Array<ArrayBuffer>, fault?: RevocationDataFault): Promise<Buffer> {
    const { answerOcsp } = await import('./ocsp.js');
    const responder = fault === 'untrusted' ? (await rogueAuthority()).responder : this.pki.responders[ca];
    return answerOcsp(
      requestDer,
      { ca: this.ca(ca), responder },
      {
        ...this.window(this.config.ocspValidityMs, fault),
        status:
          fault === 'unknown' ? async () => ({ status: 'unknown' }) : (serial) => this.status(ca, serial),
      },
    );
  }

  /** `ca`'s CRL, DER. */
  async crl(ca: CaId, fault?: RevocationDataFault): Promise<Buffer> {
    return buildCrl({
      ca: this.ca(ca),
      signingKeyPem: fault === 'untrusted' ? (await rogueAuthority()).ca.keyPem : this.ca(ca).keyPem,
      revoked: await this.store.list(ca),
      ...this.window(this.config.crlValidityMs, fault),
    });
  }

  private async target(r: RevokeRequest): Promise<{ ca: CaId; serial: string }> {
    const given = [r.userCode, r.phone, r.serial, r.certificate].filter((v) => v !== undefined);
    if (given.length !== 1)
      throw new SimulationError(400, 'give one of userCode, phone, serial, certificate');
    if (r.certificate !== undefined) {
      const cert = { tsa: this.pki.tsa, 'issuing-ca': this.pki.issuing }[r.certificate];
      if (!cert) throw new SimulationError(400, 'certificate must be tsa or issuing-ca');
      return { ca: 'root-ca', serial: cert.cert.serialNumber };
    }
    if (r.serial !== undefined) {
      if (!/^[0-9a-fA-F:]{1,80}$/.test(r.serial)) throw new SimulationError(400, 'serial must be hex');
      for (const ca of ['issuing-ca', 'root-ca'] as const) {
        if (await this.issued(ca, r.serial)) return { ca, serial: r.serial };
      }
      throw new SimulationError(404, 'no sandbox CA issued a certificate with this serial');
    }
    const user =
      r.userCode !== undefined
        ? this.users.byUserCode(String(r.userCode))
        : (await this.users.hasCertificate(String(r.phone)))
          ? this.users.byPhoneNumber(String(r.phone))
          : undefined;
    if (!user) throw new SimulationError(404, 'unknown user');
    return { ca: 'issuing-ca', serial: new x509.X509Certificate(user.certPem).serialNumber };
  }

  /** Revokes a certificate; it is then `revoked` in OCSP answers and listed in the CRL of its CA. */
  async revoke(r: RevokeRequest): Promise<RevokedCertificate> {
    const reason = r.reason ?? 'unspecified';
    if (!isRevocationReason(reason))
      throw new SimulationError(400, 'reason must be an RFC 5280 CRLReason name');
    const time = r.time === undefined ? new Date() : new Date(r.time);
    if (Number.isNaN(time.getTime())) throw new SimulationError(400, 'time must be a date');
    if (time.getTime() > Date.now() + SKEW_MS)
      throw new SimulationError(400, 'time must not be in the future');
    const { ca, serial } = await this.target(r);
    const entry = await this.store.revoke(ca, serial, reason, time);
    return { ...entry, subject: (await this.issued(ca, serial)) ?? '' };
  }
}
