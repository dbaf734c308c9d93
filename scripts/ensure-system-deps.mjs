#!/usr/bin/env node
// The tests talk to real programs: Chromium, redis-server, pdfsig/qpdf (PDF checks), certutil (NSS db for
// pdfsig) and openssl. This checks they are there and, when running as root on Debian/Ubuntu, installs the
// missing ones with apt. Otherwise it says what to install and fails: a test never skips for a missing program.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  { bin: '/usr/bin/chromium', apt: 'chromium' },
  { bin: 'redis-server', apt: 'redis-server' },
  { bin: 'pdfsig', apt: 'poppler-utils' },
  { bin: 'qpdf', apt: 'qpdf' },
  { bin: 'certutil', apt: 'libnss3-tools' },
  { bin: 'openssl', apt: 'openssl' },
  { bin: 'mutool', apt: 'mupdf-tools' },
  { bin: 'gs', apt: 'ghostscript' },
];

const has = (bin) =>
  bin.startsWith('/') ? existsSync(bin) : spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const missing = NEEDED.filter((n) => !has(n.bin));
if (missing.length === 0) process.exit(0);

const packages = [...new Set(missing.map((m) => m.apt))];
const isRoot = process.getuid?.() === 0;
const hasApt = has('apt-get');
if (isRoot && hasApt) {
  console.log(`Installing system packages the tests need: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  if (update.status === 0 && install.status === 0 && NEEDED.every((n) => has(n.bin))) process.exit(0);
}
console.error(
  `The tests need these system packages: ${packages.join(' ')}.\n` +
    `Install them with: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`,
);
process.exit(1);
