/** Starts a sandbox on a private copy of the run's PKI (made once by the global setup). */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, type SandboxOptions, startSandbox } from '@itsme-sign/sandbox';
import { inject } from 'vitest';

export function sandboxDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'itsme-reliability-'));
  cpSync(inject('reliabilityDataDir'), dir, { recursive: true });
  return dir;
}

/** A sandbox that counts the faults it applies (`faultsApplied()`). */
export async function startTestSandbox(
  options: Omit<SandboxOptions, 'dataDir'> = {},
): Promise<Sandbox & { faultsApplied(): number }> {
  let faults = 0;
  const sandbox = await startSandbox({
    ...options,
    dataDir: sandboxDataDir(),
    log: (line) => {
      if (/: fault \w+$/.test(line)) faults++;
      options.log?.(line);
    },
  });
  const close = sandbox.close.bind(sandbox);
  return Object.assign(sandbox, {
    faultsApplied: () => faults,
    async close() {
      await close();
      rmSync(sandbox.dataDir, { recursive: true, force: true });
    },
  });
}

/** The B2B client options of the sandbox's default partner. */
export function clientOptions(sandbox: Sandbox) {
  return {
    baseUrl: sandbox.b2bUrl,
    partnerCode: sandbox.partner.partnerCode,
    serviceCode: sandbox.partner.serviceCode,
    credentials: { cert: sandbox.credentials.clientCertPem, key: sandbox.credentials.clientKeyPem },
    ca: sandbox.credentials.caCertPem,
  };
}
