import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.js';

describe('README', () => {
  it('documents every error code with its category and HTTP status', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(readme).toContain(`| \`${code}\` | ${info.category} | ${info.status} |`);
    }
  });
});
