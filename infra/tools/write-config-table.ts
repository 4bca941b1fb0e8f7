/**
 * `npm run docs:config`: rewrites the README's configuration table from shared/config's
 * schema (between the config-table markers). A unit test fails when they drift apart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { listVariables } from '../../shared/config/index.js';

const README = new URL('../../README.md', import.meta.url);
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

const escape = (s: string) => s.replace(/\|/g, '\\|');
const rows = listVariables().map(
  (v) => `| \`${v.name}\` | ${v.defaultRaw ? `\`${escape(v.defaultRaw)}\`` : '(none)'} | ${escape(v.doc)} |`,
);
const table = ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');

const readme = readFileSync(README, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
writeFileSync(README, `${readme.slice(0, from + START.length)}\n\n${table}\n\n${readme.slice(to)}`);
console.log(`README.md: ${rows.length} configuration variables`);
