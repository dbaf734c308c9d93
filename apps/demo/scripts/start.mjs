#!/usr/bin/env node
// Starts the demo: the offline itsme® sandbox, a back end (Express by default, NestJS with --backend nest)
// and the Angular front end, then prints the URL to open. Run through `pnpm demo` (it builds first).
//
//   pnpm demo                      # Express back end, free ports
//   pnpm demo -- --backend nest    # NestJS back end
//   PORT=3000 REDIS_URL=redis://127.0.0.1:6379 pnpm demo
import { parseArgs } from 'node:util';

// `pnpm demo -- --backend nest` hands the script a literal `--` first: drop it.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const { values } = parseArgs({
  args,
  options: {
    backend: { type: 'string', default: process.env.DEMO_BACKEND ?? 'express' },
    port: { type: 'string', default: process.env.PORT ?? '0' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    quiet: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (!['express', 'nest'].includes(values.backend)) {
  console.error(`--backend must be express or nest, not ${values.backend}`);
  process.exit(2);
}

const { startDemo } = await import('../dist-server/index.js');
const demo = await startDemo({
  backend: values.backend,
  port: Number(values.port),
  host: values.host,
  redisUrl: process.env.REDIS_URL || undefined,
  sandboxDataDir: process.env.SANDBOX_DATA_DIR || undefined,
  log: values.quiet ? undefined : (line) => console.log(`  · ${line}`),
});

const line = '─'.repeat(64);
console.log(`
${line}
  itsme-sign demo is running (${demo.backend === 'nest' ? 'NestJS' : 'Express'} back end, ${
    process.env.REDIS_URL ? 'Redis' : 'in-memory'
  } sessions)

  Open            ${demo.url}
  Sandbox phone   ${demo.sandbox.frontUrl}/phone   (approve the requests here)
  Sandbox B2B     ${demo.sandbox.b2bUrl}            (mutual TLS)

  Press Ctrl+C to stop.
${line}
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await demo.close();
    process.exit(0);
  });
}
