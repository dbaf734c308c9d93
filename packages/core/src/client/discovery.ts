/**
 * The discovery document (`/.well-known/configuration`), cached with a TTL, and the checks it enables:
 * is the language supported, is the signature policy known and enabled, is the commitment type known.
 */
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';
import type { CommitmentType, DiscoveryDocument, SignPolicyTemplate } from '../wire/schemas.js';
import type { B2BClient, CallContext } from './b2b-client.js';

export interface DiscoveryCacheOptions {
  /** How long a loaded document is used (ms). Default `DEFAULTS.discoveryTtlMs`. */
  ttlMs?: number;
  now?: () => number;
}

export interface SigningProfile {
  lang?: string;
  signPolicyRef: string;
  commitmentTypeRef?: string;
}

export interface ResolvedProfile {
  policy: SignPolicyTemplate;
  commitmentType?: CommitmentType;
}

export class DiscoveryCache {
  readonly #client: Pick<B2BClient, 'getDiscovery'>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #cached: { doc: DiscoveryDocument; at: number } | undefined;
  #loading: Promise<DiscoveryDocument> | undefined;

  constructor(client: Pick<B2BClient, 'getDiscovery'>, options: DiscoveryCacheOptions = {}) {
    this.#client = client;
    this.#ttlMs = options.ttlMs ?? DEFAULTS.discoveryTtlMs;
    this.#now = options.now ?? Date.now;
  }

  /** The document, from cache while fresh; concurrent callers share one request. */
  async get(ctx: CallContext = {}): Promise<DiscoveryDocument> {
    if (this.#cached && this.#now() - this.#cached.at < this.#ttlMs) return this.#cached.doc;
    this.#loading ??= this.#client
      .getDiscovery(ctx)
      .then((doc) => {
        this.#cached = { doc, at: this.#now() };
        return doc;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** Checks a language, policy and commitment type against the document; returns the policy details. */
  async resolve(profile: SigningProfile, ctx: CallContext = {}): Promise<ResolvedProfile> {
    return resolveProfile(await this.get(ctx), profile);
  }
}

/** Pure version of `DiscoveryCache.resolve`. */
export function resolveProfile(doc: DiscoveryDocument, profile: SigningProfile): ResolvedProfile {
  if (
    profile.lang &&
    !doc.sign_languages_supported.some((l) => l.toUpperCase() === profile.lang?.toUpperCase())
  ) {
    throw new ItsmeSignError('INVALID_LANGUAGE', {
      message: `The language ${profile.lang} is not in the discovery document (${doc.sign_languages_supported.join(', ')}).`,
      field: 'lang',
    });
  }
  const policy = doc.sign_policy_templates_supported.find(
    (p) => p.ref === profile.signPolicyRef || p.oid === profile.signPolicyRef,
  );
  if (!policy) {
    throw new ItsmeSignError('INVALID_POLICY', {
      message: `The signature policy ${profile.signPolicyRef} is not in the discovery document.`,
      field: 'signPolicyRef',
    });
  }
  if (policy.status.toUpperCase() !== 'ENABLED') {
    throw new ItsmeSignError('INVALID_POLICY_STATUS', {
      message: `The signature policy ${profile.signPolicyRef} is ${policy.status}.`,
      field: 'signPolicyRef',
    });
  }
  if (!profile.commitmentTypeRef) return { policy };
  const commitmentType = doc.commitment_types_supported.find(
    (c) => c.ref === profile.commitmentTypeRef || c.oid === profile.commitmentTypeRef,
  );
  if (!commitmentType) {
    throw new ItsmeSignError('INVALID_POLICY', {
      message: `The commitment type ${profile.commitmentTypeRef} is not in the discovery document.`,
      field: 'commitmentTypeRef',
    });
  }
  return { policy, commitmentType };
}
