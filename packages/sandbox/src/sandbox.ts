/** `startSandbox()`: the PKI, the simulator, the B2B server (mTLS), the front server; one `close()`. */
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveryDocument } from './b2b/discovery.js';
import { BASE_PATH, createB2BServer } from './b2b/server.js';
import { createControl, type SandboxControl } from './control.js';
import { FaultTable } from './faults.js';
import { frontRequestListener, type TsaHandler } from './front/server.js';
import { listen, urlHost } from './http-util.js';
import {
  type Fault,
  type FaultEndpoint,
  type SandboxOptions,
  SIGNATURE_NOT_ALLOWED_PHONE,
} from './options.js';
import { checkPartnerConfigs, PartnerRegistry } from './partners.js';
import { loadOrCreatePki, type PkiFiles } from './pki/authority.js';
import { type CaId, caUrls } from './pki/revocation-urls.js';
import { UserRegistry } from './pki/users.js';
import { RevocationService } from './revocation/service.js';
import { type SandboxStats, Simulator } from './simulator.js';

export interface SandboxCredentials {
  /** Trust this CA for `b2bUrl` (the sandbox root CA). */
  caCertPem: string;
  /** The default partner's client certificate and key (PKCS#8) for mutual TLS. */
  clientCertPem: string;
  clientKeyPem: string;
  rootCaPem: string;
  /** "itsme Sandbox Qualified CA", issuer of the users' certificates. */
  issuingCaPem: string;
  tsaCertPem: string;
  /** The same, as PEM files in the data directory. */
  files: PkiFiles;
}

/** Where a CA publishes revocation data (all on the front server, plain HTTP). */
export interface SandboxCaRevocation {
  /** RFC 6960 OCSP responder: POST `application/ocsp-request`, or GET `${ocspUrl}/<url-encoded base64 request>`. */
  ocspUrl: string;
  /** The CRL (DER). */
  crlUrl: string;
  /** The CA's certificate (DER), the AIA caIssuers URL of what it issues. */
  caIssuersUrl: string;
  /** The delegated OCSP signing certificate (EKU OCSPSigning, ocsp-nocheck) that signs the responder's answers. */
  ocspResponderCertPem: string;
  /** The CA's certificate (PEM). */
  caCertPem: string;
}

export interface Sandbox {
  /**
   * `https://127.0.0.1:PORT/qes-partners/1.0.0`: the B2B API base, with the service's base path as the real base URL
   * has it (`${b2bUrl}/user_identification`, …). Mutual TLS required. A path outside the base path is a 404.
   */
  b2bUrl: string;
  /** `http://127.0.0.1:PORT`: the user's pages, the phone (`/phone`), the control API (`/control`) and the TSA. */
  frontUrl: string;
  /** `${frontUrl}/tsa`: RFC 3161 time-stamping. */
  tsaUrl: string;
  /** `${frontUrl}/control`. */
  controlUrl: string;
  /**
   * The revocation data of the two CAs: `rootCa` (issuer of the qualified CA and of the TSA) and `issuingCa` (the
   * qualified CA, issuer of the users' certificates). The certificates' AIA and CRL distribution points name these.
   */
  revocation: { rootCa: SandboxCaRevocation; issuingCa: SandboxCaRevocation };
  dataDir: string;
  credentials: SandboxCredentials;
  /** The default (first) partner. */
  partner: { partnerCode: string; serviceCode: string };
  /** Registers a redirect URL at run time (apps listening on port 0 know their URL late). */
  addRedirectUrl(url: string, partnerCode?: string): void;
  /**
   * The `@itsme-sign/core` B2B client options that talk to this sandbox as its default partner:
   * `createB2BClient(sb.clientOptions())` or `itsmeSign({ client: sb.clientOptions(), … })`.
   */
  clientOptions(): SandboxClientOptions;
  /** The control API in-process (same semantics as `POST {frontUrl}/control/*`). */
  control: SandboxControl;
  stats(): SandboxStats;
  setFault(endpoint: FaultEndpoint, fault: Fault | null): void;
  close(): Promise<void>;
}

/** Structurally the `B2BClientOptions` of `@itsme-sign/core` (the sandbox needs no runtime part of core's client). */
export interface SandboxClientOptions {
  baseUrl: string;
  partnerCode: string;
  serviceCode: string;
  credentials: { cert: string; key: string };
  ca: string;
}

export const DEFAULT_PARTNER = { partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN' } as const;

/** Remembers every raw socket (also those still in the TLS handshake, which closeAllConnections() misses). */
function trackSockets(server: import('node:net').Server): Set<import('node:net').Socket> {
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function closeServer(
  server: import('node:http').Server,
  sockets: Set<import('node:net').Socket>,
): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dataDir = options.dataDir ?? join(tmpdir(), 'itsme-sandbox');
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  checkPartnerConfigs(options.partners); // before anything listens
  // The front server listens first: the certificates' AIA and CRL distribution points name its (maybe random) port.
  const front = createServer();
  const frontSockets = trackSockets(front);
  const urlHostName = urlHost(host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);
  let frontUrl: string;
  try {
    frontUrl = `http://${urlHostName}:${await listen(front, options.frontPort ?? 0, host)}`;
  } catch (e) {
    await closeServer(front, frontSockets);
    throw e;
  }
  const pki = await loadOrCreatePki(dataDir, { baseUrl: frontUrl }).catch(async (e: unknown) => {
    await closeServer(front, frontSockets);
    throw e;
  });
  const users = new UserRegistry(pki);
  await users.load();
  const revocation = new RevocationService(pki, users, {
    ocspValidityMs: options.revocation?.ocspValidityMs ?? 3_600_000,
    crlValidityMs: options.revocation?.crlValidityMs ?? 86_400_000,
  });
  const partners = new PartnerRegistry(
    options.partners ?? [{ ...DEFAULT_PARTNER, redirectUrls: [] }],
    pki.partner.certPem,
  );
  const disabledPolicies = options.disabledPolicies ?? [];
  const discovery = discoveryDocument(disabledPolicies);
  const sim = new Simulator(
    {
      actionTimeoutMs: options.actionTimeoutMs ?? 180_000,
      userKeyType: options.userKeyType ?? 'rsa',
      identificationIdSpelling: options.identificationIdSpelling ?? 'asyncRespId',
      retentionMs: options.retentionMs ?? 15 * 60_000,
      maxSessions: options.maxSessions ?? 10_000,
      disabledPolicies,
      signatureNotAllowedPhones: options.signatureNotAllowedPhones ?? [SIGNATURE_NOT_ALLOWED_PHONE],
      log,
    },
    pki,
    users,
    partners,
    new FaultTable(options.faults),
  );
  const control = createControl(sim, revocation);
  let tsa: Promise<TsaHandler> | undefined;

  const b2b = createB2BServer({
    sim,
    discovery,
    allowedIps: options.allowedIps ?? ['127.0.0.1', '::1'],
    tls: {
      key: pki.server.keyPem,
      cert: pki.server.certPem,
      ca: [pki.root.certPem, ...partners.certificatePems()],
    },
  });
  front.on(
    'request',
    frontRequestListener({
      sim,
      control,
      revocation,
      tsa: (query) => {
        // pkijs is loaded on the first time-stamp request only: it is not on the start-up path.
        tsa ??= import('./tsa.js').then((m) => m.createTsa(pki.tsa));
        return tsa.then((handle) => handle(query));
      },
      policyText: (ref, lang) => {
        const p = discovery.sign_policy_templates_supported.find((x) => x.ref === ref);
        return p ? ((p.text as Record<string, string>)[lang] ?? p.text.EN) : undefined;
      },
    }),
  );

  let b2bPort: number;
  const b2bSockets = trackSockets(b2b);
  try {
    b2bPort = await listen(b2b, options.b2bPort ?? 0, host);
  } catch (e) {
    await Promise.all([closeServer(b2b, b2bSockets), closeServer(front, frontSockets)]);
    sim.close();
    throw e;
  }
  const b2bUrl = `https://${urlHostName}:${b2bPort}${BASE_PATH}`;
  sim.frontUrl = frontUrl;
  const first = partners.first();
  log(`sandbox ready: B2B ${b2bUrl}, front ${frontUrl}`);

  const caRevocation = (ca: CaId): SandboxCaRevocation => {
    const urls = caUrls(frontUrl, ca);
    return {
      ocspUrl: urls.ocsp,
      crlUrl: urls.crl,
      caIssuersUrl: urls.caIssuers,
      ocspResponderCertPem: pki.responders[ca].certPem,
      caCertPem: revocation.ca(ca).certPem,
    };
  };
  let closed: Promise<void> | undefined;
  const partner = { partnerCode: first.partnerCode, serviceCode: first.serviceCodes[0] as string };
  return {
    b2bUrl,
    frontUrl,
    tsaUrl: `${frontUrl}/tsa`,
    controlUrl: `${frontUrl}/control`,
    revocation: { rootCa: caRevocation('root-ca'), issuingCa: caRevocation('issuing-ca') },
    dataDir,
    credentials: {
      caCertPem: pki.root.certPem,
      clientCertPem: pki.partner.certPem,
      clientKeyPem: pki.partner.keyPem,
      rootCaPem: pki.root.certPem,
      issuingCaPem: pki.issuing.certPem,
      tsaCertPem: pki.tsa.certPem,
      files: { ...pki.files },
    },
    partner,
    addRedirectUrl: (url, partnerCode) => partners.addRedirectUrl(url, partnerCode),
    clientOptions: () => ({
      baseUrl: b2bUrl,
      ...partner,
      credentials: { cert: pki.partner.certPem, key: pki.partner.keyPem },
      ca: pki.root.certPem,
    }),
    control,
    stats: () => sim.stats(),
    setFault: (endpoint, fault) => sim.faults.set(endpoint, fault),
    close() {
      closed ??= Promise.all([closeServer(b2b, b2bSockets), closeServer(front, frontSockets)]).then(() =>
        sim.close(),
      );
      return closed;
    },
  };
}
