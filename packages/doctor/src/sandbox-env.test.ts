/**
 * `itsme-sandbox --print-env` (the sandbox's built CLI, as npm runs it) prints a .env that this package reads:
 * every name one of the doctor's settings, every value reaching that very sandbox.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import { describe, expect, it } from 'vitest';
import { readConfig, SETTINGS } from './config.js';

const sandboxCli = join(
  dirname(createRequire(import.meta.url).resolve('@itsme-sign/sandbox/package.json')),
  'dist',
  'cli.js',
);

describe('itsme-sandbox --print-env', () => {
  it("prints a .env of the doctor's variables that the doctor reads and that reach this sandbox", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'itsme-doctor-sandbox-env-'));
    const child = spawn(process.execPath, [sandboxCli, '--data-dir', dataDir, '--print-env'], {
      stdio: 'pipe',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        const seen: string[] = [];
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (seen.push(line) === 8) resolve(seen);
        });
        child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}: ${stderr}`)));
      });
      const env = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(Object.keys(env)).toEqual([
        'ITSME_B2B_URL',
        'ITSME_PARTNER_CODE',
        'ITSME_SERVICE_CODE',
        'ITSME_CLIENT_CERT_FILE',
        'ITSME_CLIENT_KEY_FILE',
        'ITSME_CA_FILE',
        'ITSME_REDIRECT_URL',
        'ITSME_TSA_URL',
      ]);
      // every name is one of the doctor's settings (or its _FILE form)
      for (const name of Object.keys(env))
        expect(Object.keys(SETTINGS)).toContain(name.replace(/_FILE$/, ''));
      expect(env.ITSME_REDIRECT_URL).toBe('http://localhost:3000/api/itsme/callback'); // the default
      expect(env.ITSME_B2B_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/qes-partners\/1\.0\.0$/);
      expect(env.ITSME_TSA_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tsa$/);

      const config = readConfig(env);
      expect(config.ITSME_CLIENT_CERT).toContain('-----BEGIN CERTIFICATE-----');
      expect(config.ITSME_CLIENT_KEY).toContain('PRIVATE KEY-----');
      expect(config.ITSME_CA).toContain('-----BEGIN CERTIFICATE-----');
      const sandbox = {
        b2bUrl: env.ITSME_B2B_URL as string,
        credentials: {
          clientCertPem: config.ITSME_CLIENT_CERT as string,
          clientKeyPem: config.ITSME_CLIENT_KEY as string,
          caCertPem: config.ITSME_CA as string,
        },
      };
      const started = await b2bRaw(sandbox, '/user_identification', {
        partnerCode: config.ITSME_PARTNER_CODE,
        serviceCode: config.ITSME_SERVICE_CODE,
        redirectUrl: env.ITSME_REDIRECT_URL,
        lang: 'FR',
      });
      expect(started.status).toBe(200); // the conventional redirect URL is registered
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
