/**
 * Runs one benchmark in this process: `node lib/bench-child.mjs <name> [--quick] [--long] [--full] --out file`.
 * Prints its tables and writes its result as JSON for `run.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.mjs';
import { renderText } from './report.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    long: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const name = positionals[0];
// run.mjs went away: stop (the 'exit' handler of processes.mjs stops what we started).
process.once('disconnect', () => process.exit(1));

const mod = await import(new URL(`../${name}.mjs`, import.meta.url).href);
const loadBefore = loadavg()[0];
const t0 = performance.now();
const result = await mod.run({ quick: values.quick, long: values.long, full: values.full });
result.ranAt = new Date().toISOString();
result.durationS = Math.round((performance.now() - t0) / 1000);
result.machine = describeMachine();
result.loadBefore = loadBefore.toFixed(2);
result.notes = [
  ...(result.notes ?? []),
  `Load average (1 min) before this benchmark: ${result.loadBefore} on ${result.machine.cores} cores; it took ${result.durationS} s.`,
];
console.log(renderText(result));
if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
process.exit(0);
