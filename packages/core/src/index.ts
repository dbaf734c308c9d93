export * from './contract/index.js';
export * from './digest.js';
export * from './errors.js';
export * from './session/document-signer.js';
export * from './session/state.js';
export * from './session/store.js';
export * from './wire/constants.js';
export * from './wire/schemas.js';
