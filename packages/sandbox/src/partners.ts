/** The partner registry: partner codes, service codes, registered redirect URLs and client certificates. */
import { createHash, X509Certificate } from 'node:crypto';
import { MAX_BATCH_HASHES, type PartnerConfig } from './options.js';

export interface RegisteredPartner {
  partnerCode: string;
  serviceCodes: string[];
  redirectUrls: Set<string>;
  certificatePem: string;
  /** SHA-256 of the certificate's DER, hex. */
  certificateFingerprint: string;
  /** The batch-signing limit: the most `docHash` entries per sign request (1 = no batch option). */
  maxHashes: number;
}

/** A valid batch-signing limit (an integer from 1 to 70), or an error naming `what`. */
export function checkMaxHashes(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_BATCH_HASHES) {
    throw new Error(
      `${what} must be an integer from 1 to ${MAX_BATCH_HASHES} (itsme®'s batch-signing limit), got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  }
  return value;
}

const maxHashesOf = (partnerCode: string) => `itsme sandbox: maxHashes of partner ${partnerCode}`;

/** Refuses partner configurations the registry would refuse, before anything is started. */
export function checkPartnerConfigs(configs: readonly PartnerConfig[] | undefined): void {
  for (const c of configs ?? []) {
    if (c.maxHashes !== undefined) checkMaxHashes(c.maxHashes, maxHashesOf(c.partnerCode));
  }
}

export function fingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

export class PartnerRegistry {
  private readonly partners = new Map<string, RegisteredPartner>();

  constructor(configs: readonly PartnerConfig[], defaultCertificatePem: string) {
    for (const c of configs) {
      const certificatePem = c.clientCertificate ?? defaultCertificatePem;
      this.partners.set(c.partnerCode, {
        partnerCode: c.partnerCode,
        serviceCodes: typeof c.serviceCode === 'string' ? [c.serviceCode] : [...c.serviceCode],
        redirectUrls: new Set(c.redirectUrls ?? []),
        certificatePem,
        certificateFingerprint: fingerprint(new X509Certificate(certificatePem).raw),
        maxHashes: checkMaxHashes(c.maxHashes ?? 1, maxHashesOf(c.partnerCode)),
      });
    }
    if (this.partners.size === 0) throw new Error('itsme sandbox: at least one partner is required');
  }

  get(partnerCode: string): RegisteredPartner | undefined {
    return this.partners.get(partnerCode);
  }

  first(): RegisteredPartner {
    return this.partners.values().next().value as RegisteredPartner;
  }

  list(): RegisteredPartner[] {
    return [...this.partners.values()];
  }

  /** Whether some partner presents this certificate. */
  knowsCertificate(fp: string): boolean {
    return this.list().some((p) => p.certificateFingerprint === fp);
  }

  /** The PEM certificates TLS must accept as client certificates (self-signed ones are their own anchor). */
  certificatePems(): string[] {
    return [...new Set(this.list().map((p) => p.certificatePem))];
  }

  /** The partner named, or the first one when none is. */
  private named(partnerCode: string | undefined): RegisteredPartner {
    const p = partnerCode === undefined ? this.first() : this.partners.get(partnerCode);
    if (!p) throw new Error(`itsme sandbox: unknown partner ${partnerCode}`);
    return p;
  }

  addRedirectUrl(url: string, partnerCode?: string): void {
    const p = this.named(partnerCode);
    if (!URL.canParse(url)) throw new Error('itsme sandbox: the redirect URL must be an absolute URL');
    p.redirectUrls.add(url);
  }

  /** Changes a partner's batch-signing limit (1 to 70) for the sign requests from now on. */
  setMaxHashes(maxHashes: number, partnerCode?: string): { partnerCode: string; maxHashes: number } {
    const p = this.named(partnerCode);
    p.maxHashes = checkMaxHashes(maxHashes, maxHashesOf(p.partnerCode));
    return { partnerCode: p.partnerCode, maxHashes: p.maxHashes };
  }
}
