/** What both demo back ends share: the sandbox, the documents, the itsme® options, the static front end. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createAdesSigner, createCertificateCheck, listSignatureFields } from '@itsme-sign/ades';
import type { ItsmeSignConfig, OrchestratorEvent, SessionStore } from '@itsme-sign/core';
import { RedisSessionStore } from '@itsme-sign/redis';
import type { Sandbox } from '@itsme-sign/sandbox';
import { DEFAULT_SIGNATURE_RECT, type DocumentLibrary } from './documents.js';
import type { EvidenceLog } from './evidence.js';

export const API_BASE = '/api/itsme';
export const DOCUMENTS_BASE = '/api/demo/documents';
/** `GET /api/demo/evidence/:sessionId`: the evidence record of a signed session (see evidence.ts). */
export const EVIDENCE_BASE = '/api/demo/evidence';
export const STATUS_PAGE = '/sign/status';

/** The built Angular app (`ng build` → dist/browser). */
export const BROWSER_DIR = join(import.meta.dirname, '..', 'dist', 'browser');
export const hasFrontEnd = () => existsSync(join(BROWSER_DIR, 'index.html'));

export interface DemoSettings {
  sandbox: Sandbox;
  /** The app's own origin (the redirect URL registered at "itsme®" is built from it). */
  origin: string;
  library: DocumentLibrary;
  /** Where every signature's evidence record goes (core's `onSigned`). */
  evidence: EvidenceLog;
  redisUrl?: string | undefined;
  /**
   * PAdES level (default B-LTA: timestamps from the sandbox's TSA, revocation from its OCSP responders, a
   * /DSS and a document timestamp — a signature that stays verifiable after the certificates expire).
   */
  level?: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  log?: (line: string) => void;
}

/** The `@itsme-sign/core` handler options of the demo (hash and document mode, memory or Redis store). */
export function itsmeOptions(s: DemoSettings): ItsmeSignConfig & { basePath: string } {
  const redirectUrl = `${s.origin}${API_BASE}/callback`;
  s.sandbox.addRedirectUrl(redirectUrl);
  const store: SessionStore | undefined = s.redisUrl
    ? new RedisSessionStore({ redis: s.redisUrl })
    : undefined;
  const level = s.level ?? 'B-LTA';
  const signer = createAdesSigner({
    trustAnchors: [s.sandbox.credentials.rootCaPem],
    level,
    ...(level !== 'B-B'
      ? { tsaUrl: s.sandbox.tsaUrl, tsa: { trustAnchors: [s.sandbox.credentials.rootCaPem] } }
      : {}),
    reason: 'Signed with itsme®',
    location: 'Belgium',
    // Visible: in the next empty signature field of the contract, else at the bottom of page 1.
    async pdfSignature(document) {
      const { fields } = await listSignatureFields(document.data);
      return fields.some((f) => !f.signed && f.visible)
        ? { signatureField: 'next-empty' }
        : { signatureField: { page: 1, rect: DEFAULT_SIGNATURE_RECT } };
    },
  });
  return {
    basePath: API_BASE,
    redirectUrl,
    statusPageUrl: STATUS_PAGE,
    client: s.sandbox.clientOptions(),
    // A demo secret: a real app reads it from its secret store (≥ 32 random characters).
    cookie: {
      secrets: [process.env.ITSME_COOKIE_SECRET ?? 'itsme-sign-demo-cookie-secret-not-for-production'],
    },
    // The demo's hash mode signs a digest the browser computed: opt-in (the server does not choose it).
    allowBrowserDigests: true,
    commitmentTypeRef: '1.2.840.113549.1.9.16.6.5',
    // The sandbox's partner has the batch-signing option: up to 70 documents with one approval.
    maxDocuments: 70,
    ...(store ? { store } : {}),
    documents: {
      documentSigner: {
        ...signer,
        // A contract signed in turn: the signed PDF is what the next party signs.
        async finalize(state, value, document, context) {
          const signed = await signer.finalize(state, value, document, context);
          s.library.recordSigned(document.name, signed.bytes);
          return signed;
        },
      },
      resolveDocument: async (id) => s.library.resolve(id),
    },
    onSigned: (record) => s.evidence.add(record),
    // The signer's certificate is checked (chain and revocation) before anything is sent to sign, in both
    // modes: a revoked certificate ends the session with CERTIFICATE_REVOKED.
    certificateCheck: createCertificateCheck({ trustAnchors: [s.sandbox.credentials.rootCaPem] }),
    onEvent: s.log ? (e: OrchestratorEvent) => s.log?.(describe(e)) : undefined,
    onError: (error) => console.error('[demo] unexpected error', error),
  };
}

function describe(e: OrchestratorEvent): string {
  const id = e.sessionId.slice(0, 8);
  switch (e.type) {
    case 'session.created':
      return `session ${id} created`;
    case 'session.transition':
      return `session ${id} ${e.from} → ${e.to}`;
    case 'step.finished':
      return `session ${id} ${e.step}: ${e.outcome} (${e.durationMs.toFixed(0)} ms)`;
    case 'step.failed':
      return `session ${id} ${e.step} failed: ${e.code} (${e.durationMs.toFixed(0)} ms)`;
    default:
      return `session ${id} ${e.type}${'message' in e ? `: ${e.message}` : ''}`;
  }
}
