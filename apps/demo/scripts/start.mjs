#!/usr/bin/env node
// Starts the demo: the offline itsme® sandbox, a back end (Express by default, NestJS with --backend nest)
// and the Angular front end, then prints the URL to open. Run through `pnpm demo` (it builds first).
//
//   pnpm demo                      # Express back end on http://127.0.0.1:3000 (sandbox on 4430 and 4431)
//   pnpm demo -- --backend nest    # NestJS back end
//   PORT=3001 pnpm demo            # another app port (or --port 3001; --sandbox-b2b-port, --sandbox-front-port)
//   REDIS_URL=redis://127.0.0.1:6379 pnpm demo

const { parseCliOptions, portInUseMessage } = await import('../dist-server/cli.js');
let options;
try {
  options = parseCliOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

const { startDemo } = await import('../dist-server/index.js');
let demo;
try {
  demo = await startDemo({
    backend: options.backend,
    port: options.port,
    host: options.host,
    sandboxB2bPort: options.sandboxB2bPort,
    sandboxFrontPort: options.sandboxFrontPort,
    redisUrl: process.env.REDIS_URL || undefined,
    sandboxDataDir: process.env.SANDBOX_DATA_DIR || undefined,
    log: options.quiet ? undefined : (line) => console.log(`  · ${line}`),
  });
} catch (error) {
  const message = portInUseMessage(error, options);
  if (!message) throw error;
  console.error(`\n${message}\n`);
  process.exit(1);
}

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
