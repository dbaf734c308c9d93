/** The sandbox in a child process, its control API over HTTP, and the partner's credentials read from its files. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startNodeChild } from './processes.mjs';

export const SANDBOX_DATA_DIR = fileURLToPath(new URL('../tmp/sandbox-data', import.meta.url));

export async function startSandboxProcess({ redirectUrls = [], dataDir = SANDBOX_DATA_DIR } = {}) {
  const { ready, stop } = await startNodeChild(
    fileURLToPath(new URL('./sandbox-child.mjs', import.meta.url)),
    [JSON.stringify({ dataDir, redirectUrls })],
  );
  const files = ready.files;
  const credentials = {
    caCertPem: readFileSync(files.ca, 'utf8'),
    clientCertPem: readFileSync(files.clientCert, 'utf8'),
    clientKeyPem: readFileSync(files.clientKey, 'utf8'),
    rootCaPem: readFileSync(files.rootCa, 'utf8'),
  };
  const control = async (method, path, body) => {
    const res = await fetch(`${ready.controlUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox control ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    ...ready,
    credentials,
    /** Options for core's B2B client (`client:` of the handler). */
    clientOptions: {
      baseUrl: ready.b2bUrl,
      partnerCode: ready.partner.partnerCode,
      serviceCode: ready.partner.serviceCode,
      credentials: { cert: credentials.clientCertPem, key: credentials.clientKeyPem },
      ca: credentials.caCertPem,
    },
    identify: (url, extra = {}) => control('POST', '/identify', { url, ...extra }),
    sign: (url, extra = {}) => control('POST', '/sign', { url, ...extra }),
    stats: () => control('GET', '/stats'),
    addRedirectUrl: (url) => control('POST', '/redirect-urls', { url }),
    setMaxHashes: (maxHashes) => control('POST', '/max-hashes', { maxHashes }),
    stop,
  };
}

/** Upstream status calls counted at the sandbox (identification status + sign status). */
export const statusCalls = (stats) => (stats.calls.identificationStatus ?? 0) + (stats.calls.signStatus ?? 0);
