/** The partner registry: partner codes, service codes, registered redirect URLs and client certificates. */
import { createHash, X509Certificate } from 'node:crypto';
import type { PartnerConfig } from './options.js';

export interface RegisteredPartner {
  partnerCode: string;
  serviceCodes: string[];
  redirectUrls: Set<string>;
  certificatePem: string;
  /** SHA-256 of the certificate's DER, hex. */
  certificateFingerprint: string;
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

  addRedirectUrl(url: string, partnerCode?: string): void {
    const p = partnerCode === undefined ? this.first() : this.partners.get(partnerCode);
    if (!p) throw new Error(`itsme sandbox: unknown partner ${partnerCode}`);
    if (!URL.canParse(url)) throw new Error('itsme sandbox: the redirect URL must be an absolute URL');
    p.redirectUrls.add(url);
  }
}
