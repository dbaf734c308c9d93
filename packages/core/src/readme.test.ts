import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.js';

describe('README', () => {
  it('documents every error code with its category, HTTP status and retryability', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = new Map(
      readme
        .split('\n')
        .filter((l) => /^\|\s*`[A-Z_]+`\s*\|/.test(l))
        .map((l) => l.split('|').map((c) => c.trim()))
        .map((cells) => [cells[1]!.replaceAll('`', ''), cells.slice(2, 5)] as const),
    );
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), code).toEqual([
        info.category,
        String(info.status),
        info.retryable ? 'yes' : 'no',
      ]);
    }
    expect([...rows.keys()].filter((k) => !(k in ERROR_CODES))).toEqual([]);
  });
});
