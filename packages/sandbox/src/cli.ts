#!/usr/bin/env node
/**
 * `itsme-sandbox`: starts the offline itsme® Sign simulator, prints ONE JSON line on stdout when ready, serves until
 * SIGINT/SIGTERM, then exits 0. Logs (with --verbose) go to stderr.
 */
import { parseArgs } from 'node:util';
import { CONVENTIONAL_REDIRECT_URL, dotenv, integrationEnv } from './env.js';
import { checkMaxHashes } from './partners.js';
import { startSandbox } from './sandbox.js';

const HELP = `Usage: itsme-sandbox [options]

  --port-b2b N                 B2B API port (HTTPS, mutual TLS). Default 0 (free port). Env ITSME_SANDBOX_B2B_PORT
  --port-front N               Pages/phone/control/TSA port (HTTP). Default 0. Env ITSME_SANDBOX_FRONT_PORT
  --host H                     Interface. Default 127.0.0.1. Env ITSME_SANDBOX_HOST
  --data-dir D                 PKI and users. Default <tmp>/itsme-sandbox. Env ITSME_SANDBOX_DATA_DIR
  --redirect-url URL           Register a redirect URL for the DEMO partner (repeatable).
                               Env ITSME_SANDBOX_REDIRECT_URLS (comma-separated).
                               Default ${CONVENTIONAL_REDIRECT_URL}
  --partner-code C             Default DEMO.   --service-code S   Default DEMO_SIGN
  --user-key-type rsa|ec       Key type of new users. Default rsa.
  --action-timeout-ms N        Time the user has to act in the app. Default 180000.
  --identification-id-spelling asyncRespId|asyncRespID   Default asyncRespId (as documented).
  --max-hashes N               Batch signing: the most hashes (docHash entries) per sign request, 1 to 70.
                               Default 1 (no batch option). Env ITSME_SANDBOX_MAX_HASHES
  --print-env                  When ready, print the app's environment (NAME=value lines) instead of the JSON line:
                               ITSME_B2B_URL, ITSME_PARTNER_CODE, ITSME_SERVICE_CODE, ITSME_CLIENT_CERT_FILE,
                               ITSME_CLIENT_KEY_FILE, ITSME_CA_FILE, ITSME_REDIRECT_URL (the first redirect URL),
                               ITSME_TSA_URL. E.g. itsme-sandbox --print-env --port-b2b 8443 --port-front 8080 > .env
  --verbose                    Log every call to stderr.
  --help

When ready, prints one JSON line (and keeps serving):
  {"b2bUrl","frontUrl","tsaUrl","controlUrl","partnerCode","serviceCode","caFile","clientCertFile","clientKeyFile",
   "rootCaFile","issuingCaFile","tsaCertFile","issuingCaOcspUrl","issuingCaCrlUrl","issuingCaOcspCertFile",
   "rootCaOcspUrl","rootCaCrlUrl","rootCaOcspCertFile","env"}
  (OCSP and CRL URLs: revocation data of the qualified CA, issuer of the users, and of the root, issuer of the TSA;
   env: the variables --print-env prints, as an object)`;

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-b2b': { type: 'string' },
      'port-front': { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'redirect-url': { type: 'string', multiple: true },
      'partner-code': { type: 'string' },
      'service-code': { type: 'string' },
      'user-key-type': { type: 'string' },
      'action-timeout-ms': { type: 'string' },
      'identification-id-spelling': { type: 'string' },
      'max-hashes': { type: 'string' },
      'print-env': { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const env = process.env;
  const givenRedirectUrls = [
    ...(values['redirect-url'] ?? []),
    ...(env.ITSME_SANDBOX_REDIRECT_URLS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
  const redirectUrls = givenRedirectUrls.length > 0 ? givenRedirectUrls : [CONVENTIONAL_REDIRECT_URL];
  const keyType = values['user-key-type'];
  if (keyType !== undefined && keyType !== 'rsa' && keyType !== 'ec')
    throw new Error('--user-key-type: rsa or ec');
  const spelling = values['identification-id-spelling'];
  if (spelling !== undefined && spelling !== 'asyncRespId' && spelling !== 'asyncRespID') {
    throw new Error('--identification-id-spelling: asyncRespId or asyncRespID');
  }
  const b2bPort = int(values['port-b2b'] ?? env.ITSME_SANDBOX_B2B_PORT, '--port-b2b');
  const frontPort = int(values['port-front'] ?? env.ITSME_SANDBOX_FRONT_PORT, '--port-front');
  const actionTimeoutMs = int(values['action-timeout-ms'], '--action-timeout-ms');
  const rawMaxHashes = values['max-hashes'] ?? env.ITSME_SANDBOX_MAX_HASHES;
  const maxHashes =
    rawMaxHashes === undefined || rawMaxHashes === ''
      ? undefined
      : checkMaxHashes(/^\d+$/.test(rawMaxHashes) ? Number(rawMaxHashes) : rawMaxHashes, '--max-hashes');
  const host = values.host ?? env.ITSME_SANDBOX_HOST;
  const dataDir = values['data-dir'] ?? env.ITSME_SANDBOX_DATA_DIR;

  const sb = await startSandbox({
    ...(dataDir ? { dataDir } : {}),
    ...(host ? { host } : {}),
    ...(b2bPort !== undefined ? { b2bPort } : {}),
    ...(frontPort !== undefined ? { frontPort } : {}),
    ...(actionTimeoutMs !== undefined ? { actionTimeoutMs } : {}),
    ...(keyType ? { userKeyType: keyType } : {}),
    ...(spelling ? { identificationIdSpelling: spelling } : {}),
    partners: [
      {
        partnerCode: values['partner-code'] ?? 'DEMO',
        serviceCode: values['service-code'] ?? 'DEMO_SIGN',
        redirectUrls,
        ...(maxHashes !== undefined ? { maxHashes } : {}),
      },
    ],
    ...(values.verbose ? { log: (line: string) => process.stderr.write(`[itsme-sandbox] ${line}\n`) } : {}),
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl+C: stop now
    stopping = true;
    if (values.verbose) process.stderr.write(`[itsme-sandbox] ${signal}: stopping\n`);
    sb.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const appEnv = integrationEnv(sb, redirectUrls[0] as string);
  if (values['print-env']) {
    process.stdout.write(dotenv(appEnv));
    return;
  }
  process.stdout.write(
    `${JSON.stringify({
      b2bUrl: sb.b2bUrl,
      frontUrl: sb.frontUrl,
      tsaUrl: sb.tsaUrl,
      controlUrl: sb.controlUrl,
      partnerCode: sb.partner.partnerCode,
      serviceCode: sb.partner.serviceCode,
      caFile: sb.credentials.files.ca,
      clientCertFile: sb.credentials.files.clientCert,
      clientKeyFile: sb.credentials.files.clientKey,
      rootCaFile: sb.credentials.files.rootCa,
      issuingCaFile: sb.credentials.files.issuingCa,
      tsaCertFile: sb.credentials.files.tsaCert,
      issuingCaOcspUrl: sb.revocation.issuingCa.ocspUrl,
      issuingCaCrlUrl: sb.revocation.issuingCa.crlUrl,
      issuingCaOcspCertFile: sb.credentials.files.issuingCaOcsp,
      rootCaOcspUrl: sb.revocation.rootCa.ocspUrl,
      rootCaCrlUrl: sb.revocation.rootCa.crlUrl,
      rootCaOcspCertFile: sb.credentials.files.rootCaOcsp,
      env: appEnv,
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`itsme-sandbox: ${(e as Error).message}\n`);
  process.exit(1);
});
