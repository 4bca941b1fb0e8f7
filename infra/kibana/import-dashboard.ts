/**
 * `npm run kibana:import -- <kibana url>`: loads infra/kibana/match-operations.ndjson into a
 * Kibana through its saved-objects import API (overwriting earlier versions).
 */
import { readFileSync } from 'node:fs';

export async function importDashboard(
  kibanaUrl: string,
  ndjson = readFileSync(new URL('./match-operations.ndjson', import.meta.url)),
) {
  const form = new FormData();
  form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), 'match-operations.ndjson');
  const res = await fetch(new URL('/api/saved_objects/_import?overwrite=true', kibanaUrl), {
    method: 'POST',
    headers: { 'kbn-xsrf': 'true' },
    body: form,
  });
  const body = (await res.json().catch(() => ({}))) as {
    success?: boolean;
    successCount?: number;
    errors?: unknown[];
  };
  if (!res.ok || body.success === false) {
    throw new Error(`Kibana refused the import (HTTP ${res.status}): ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.successCount ?? 0;
}

if (process.argv[1]?.endsWith('import-dashboard.ts')) {
  const url = process.argv[2];
  if (!url) {
    console.error('usage: npm run kibana:import -- http://kibana:5601');
    process.exit(2);
  }
  importDashboard(url).then(
    (n) => console.log(`imported ${n} saved objects into ${url}`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
