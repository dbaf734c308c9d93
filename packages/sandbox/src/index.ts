export { BASE_PATH } from './b2b/server.js';
export type { ControlResult, IdentifyControl, SandboxControl, SignControl } from './control.js';
export { DEFAULT_PHONE } from './control.js';
export type {
  Fault,
  FaultConfig,
  FaultEndpoint,
  PartnerConfig,
  RetryAfter,
  SandboxOptions,
} from './options.js';
export {
  B2B_FAULT_ENDPOINTS,
  FAULT_ENDPOINTS,
  MAX_BATCH_HASHES,
  SIGNATURE_NOT_ALLOWED_PHONE,
} from './options.js';
export type { RevokedCertificate, RevokeRequest } from './revocation/service.js';
export type { Revocation, RevocationReason } from './revocation/store.js';
export { REVOCATION_REASONS } from './revocation/store.js';
export type { Sandbox, SandboxCaRevocation, SandboxClientOptions, SandboxCredentials } from './sandbox.js';
export { DEFAULT_PARTNER, startSandbox } from './sandbox.js';
export { SHA256_DIGEST_INFO_PREFIX, signDigest } from './signer.js';
export type { SandboxStats } from './simulator.js';
