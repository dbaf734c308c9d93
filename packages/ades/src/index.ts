import 'reflect-metadata';

export type { AtomicWriteOptions } from './atomic-file.js';
export {
  type CadesState,
  finalizeCades,
  type Prepared,
  prepareCades,
  type SignatureOptions,
} from './cades.js';
export { type ExtendCadesOptions, extendCades } from './cades-extend.js';
export {
  type CertificateCheck,
  type CertificateCheckOptions,
  createCertificateCheck,
} from './certificate-check.js';
export { type CertificateInput, checkChain, parseCertificates } from './certificates.js';
export type { ContentInput, FileContent, RandomAccessContent } from './content.js';
export { type ExtendOptions, extendPades } from './ltv.js';
export { type PadesOptions, type PadesState, preparePades } from './pades.js';
export { finalizePades } from './pades-finalize.js';
export { finalizePadesStream, finalizePadesToFile } from './pades-output.js';
export type { AppearanceLanguage } from './pdf/appearance/labels.js';
export type { ValidationData } from './pdf/dss.js';
export type { AppearanceOptions, Rect, SignatureFieldChoice } from './pdf/signature-plan.js';
export {
  checkRevocation,
  RevocationCache,
  type RevocationData,
  type RevocationOptions,
} from './revocation.js';
export type { FinalizeOptions } from './seal.js';
export { listSignatureFields, type SignatureFieldInfo, type SignatureFieldList } from './signature-fields.js';
export {
  type SignatureAlgorithm,
  type VerifiedSignatureValue,
  verifySignatureValue,
} from './signature-value.js';
export { buildSignedAttributes, type SignaturePolicy } from './signed-attributes.js';
export {
  type AdesSignerOptions,
  createAdesSigner,
  createCadesSigner,
  createPadesSigner,
  isPdf,
  type PdfSignatureChoice,
} from './signer.js';
export type { Level } from './state.js';
export { requestTimestamp, type Timestamp, type TsaOptions } from './timestamp.js';
