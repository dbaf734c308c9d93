// The ```ts / ```typescript blocks of the READMEs, with their markers (see readme-compile.mjs). Shared by
// readme-compile.mjs (type-checks them all) and pack-smoke.mjs (builds the Angular README's app with ng build).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './publishable.mjs';

/** README.md and packages/*\/README.md, relative to the repository root. */
export function readmeFiles() {
  return [
    'README.md',
    ...readdirSync(join(root, 'packages'))
      .map((name) => `packages/${name}/README.md`)
      .filter((path) => existsSync(join(root, path))),
  ];
}

/** The `<!-- not-compiled: … -->` or `<!-- compile-with: … -->` comment just before line `i`, if any. */
function markerBefore(lines, i) {
  let j = i - 1;
  while (j >= 0 && lines[j].trim() === '') j--;
  if (j < 0 || !lines[j].trim().endsWith('-->')) return undefined;
  let k = j;
  while (k >= 0 && !lines[k].includes('<!--')) k--;
  const comment = lines
    .slice(k, j + 1)
    .join('\n')
    .trim();
  const m = /^<!--\s*(not-compiled|compile-with):([\s\S]*)-->$/.exec(comment);
  return m ? { kind: m[1], text: m[2].trim() } : undefined;
}

/**
 * The blocks of one README: `{ blocks: [{ readme, line, code, prelude, name }], skipped: [{ readme, line, reason }] }`.
 * `line` is the fence's line (1-based); `name` the file name of a first-line comment such as `// app.module.ts`.
 */
export function readmeBlocks(readme) {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const blocks = [];
  const skipped = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end < 0) throw new Error(`${readme}:${i + 1}: unterminated code block`);
    const code = lines.slice(i + 1, end).join('\n');
    const marker = markerBefore(lines, i);
    if (marker?.kind === 'not-compiled') {
      if (!marker.text) throw new Error(`${readme}:${i}: not-compiled needs a reason`);
      skipped.push({ readme, line: i + 1, reason: marker.text });
    } else {
      const prelude = marker?.kind === 'compile-with' ? marker.text : '';
      blocks.push({ readme, line: i + 1, code, prelude, name: /^\/\/ ([\w.-]+\.ts)\b/.exec(code)?.[1] });
    }
    i = end;
  }
  return { blocks, skipped };
}
