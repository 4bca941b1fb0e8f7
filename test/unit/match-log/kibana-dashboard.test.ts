import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { importDashboard } from '../../../infra/kibana/import-dashboard.js';
import { DEAD_LETTERS_MAPPING, MATCH_EVENTS_MAPPING } from '../../../shared/events/es-mapping.js';

const ndjson = readFileSync(
  new URL('../../../infra/kibana/match-operations.ndjson', import.meta.url),
  'utf8',
);
const objects = ndjson
  .trim()
  .split('\n')
  .map(
    (l) =>
      JSON.parse(l) as {
        type: string;
        id: string;
        attributes: Record<string, unknown>;
        references: { id: string; type: string }[];
      },
  );
const mappings: Record<string, { properties: Record<string, unknown> }> = {
  'arena-match-events': MATCH_EVENTS_MAPPING,
  'arena-dead-letters': DEAD_LETTERS_MAPPING,
};

describe('Kibana "Match operations" saved objects', () => {
  it('use only fields that exist in the index mappings', () => {
    const checked: string[] = [];
    for (const o of objects) {
      if (o.type === 'index-pattern') {
        expect(mappings[o.id]!.properties).toHaveProperty(String(o.attributes.timeFieldName));
        continue;
      }
      if (o.type !== 'visualization') continue;
      const view = o.references.find((r) => r.type === 'index-pattern')!.id;
      const props = mappings[view]!.properties;
      const vis = JSON.parse(String(o.attributes.visState)) as { aggs: { params: { field?: string } }[] };
      const search = JSON.parse(
        (o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON,
      ) as {
        query: { query: string };
      };
      const fields = [
        ...vis.aggs.flatMap((a) => (a.params.field ? [a.params.field] : [])),
        ...[...search.query.query.matchAll(/([A-Za-z_.]+)\s*:/g)].map((m) => m[1]!),
      ];
      for (const f of fields) {
        expect(props, `${o.id} uses ${f}`).toHaveProperty(f);
        checked.push(`${o.id}:${f}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  it('form one dashboard whose panels all exist', () => {
    const dashboard = objects.find((o) => o.type === 'dashboard')!;
    expect(dashboard.attributes.title).toBe('Match operations');
    const ids = new Set(objects.map((o) => o.id));
    for (const ref of dashboard.references) expect(ids.has(ref.id)).toBe(true);
    expect(dashboard.references).toHaveLength(5);
  });

  it('are imported through Kibana’s saved-objects API (checked against a recording HTTP server)', async () => {
    let seen: { url?: string; xsrf?: string; body: string } = { body: '' };
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url, xsrf: req.headers['kbn-xsrf'] as string, body };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ success: true, successCount: 8 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await importDashboard(`http://127.0.0.1:${port}`)).toBe(8);
      expect(seen.url).toBe('/api/saved_objects/_import?overwrite=true');
      expect(seen.xsrf).toBe('true');
      expect(seen.body).toContain('"title":"Match operations"');
    } finally {
      server.close();
    }
  });
});
