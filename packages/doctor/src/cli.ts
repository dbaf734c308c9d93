#!/usr/bin/env node
/**
 * `itsme-sign doctor [--config file.json] [--origin https://app.example]`: checks the configuration the app
 * reads (environment variables, or a JSON file of the same names) and exits 1 on any failure.
 */
import { parseArgs } from 'node:util';
import { readConfig, SETTINGS } from './config.js';
import { formatReport, runDoctor } from './doctor.js';

const USAGE = `Usage: itsme-sign doctor [--config file.json] [--origin https://app.example]

Reads the same settings as your app, from the environment (a JSON file of the same names underneath), and
checks each one. Exit code 0: ready (warnings allowed); 1: something fails; 2: usage error.

Settings (X_FILE reads X from a file):
${Object.entries(SETTINGS)
  .map(([name, what]) => `  ${name.padEnd(28)} ${what}`)
  .join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals[0] !== 'doctor' || positionals.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(process.env, values.config);
  } catch (error) {
    process.stderr.write(`✗ cannot read the configuration: ${(error as Error).message.split('\n')[0]}\n`);
    return 1;
  }
  const report = await runDoctor(config, values.origin ? { appOrigin: values.origin } : {});
  process.stdout.write(formatReport(report));
  return report.ok ? 0 : 1;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      origin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
