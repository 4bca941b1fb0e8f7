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

  it('are imported through Kibana’s saved-objects API: the file as it is, and Kibana’s own count', async () => {
    const requests: { method?: string; url?: string; xsrf?: string; contentType?: string; body: Buffer }[] =
      [];
    // A recording server that answers as Kibana does: it counts the objects it was sent.
    let answer = (body: Buffer, contentType: string): Promise<{ status: number; json: unknown }> =>
      new Request('http://kibana/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(body),
      })
        .formData()
        .then(async (form) => {
          const file = form.get('file') as File;
          const lines = (await file.text()).trim().split('\n');
          return { status: 200, json: { success: true, successCount: lines.length } };
        });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const contentType = String(req.headers['content-type']);
        requests.push({
          method: req.method,
          url: req.url,
          xsrf: req.headers['kbn-xsrf'] as string,
          contentType,
          body,
        });
        void answer(body, contentType).then(({ status, json }) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(await importDashboard(url)).toBe(objects.length);
      expect(requests).toHaveLength(1);
      const sent = requests[0]!;
      expect(sent.method).toBe('POST');
      expect(sent.url).toBe('/api/saved_objects/_import?overwrite=true');
      expect(sent.xsrf).toBe('true');
      expect(sent.contentType).toMatch(/^multipart\/form-data; boundary=/);
      // The one file part is infra/kibana/match-operations.ndjson, byte for byte.
      const form = await new Request('http://kibana/', {
        method: 'POST',
        headers: { 'content-type': sent.contentType! },
        body: new Uint8Array(sent.body),
      }).formData();
      const names: string[] = [];
      form.forEach((_v, name) => names.push(name));
      expect(names).toEqual(['file']);
      const file = form.get('file') as File;
      expect(file.name).toBe('match-operations.ndjson');
      expect(file.type).toBe('application/ndjson');
      expect(await file.text()).toBe(ndjson);

      // A refusal is an error that carries Kibana's reasons.
      answer = () =>
        Promise.resolve({
          status: 200,
          json: { success: false, errors: [{ id: 'arena-match-events', error: { type: 'conflict' } }] },
        });
      await expect(importDashboard(url)).rejects.toThrow(/refused the import.*conflict/);
    } finally {
      server.close();
    }
  });
});
