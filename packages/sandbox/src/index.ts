export type { ControlResult, IdentifyControl, SandboxControl, SignControl } from './control.js';
export { DEFAULT_PHONE } from './control.js';
export type { Fault, FaultConfig, FaultEndpoint, PartnerConfig, SandboxOptions } from './options.js';
export { FAULT_ENDPOINTS } from './options.js';
export type { Sandbox, SandboxClientOptions, SandboxCredentials } from './sandbox.js';
export { DEFAULT_PARTNER, startSandbox } from './sandbox.js';
export { SHA256_DIGEST_INFO_PREFIX, signDigest } from './signer.js';
export type { SandboxStats } from './simulator.js';
