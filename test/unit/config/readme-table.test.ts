import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listVariables } from '../../../shared/config/index.js';

describe('README configuration table', () => {
  it('documents every variable the config loader knows, and no other', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(
      listVariables()
        .map((v) => v.name)
        .sort(),
    );
  });
});
