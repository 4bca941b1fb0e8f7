import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { importDashboard } from '../../../infra/kibana/import-dashboard.js';
import { DEAD_LETTERS_MAPPING, MATCH_EVENTS_MAPPING } from '../../../shared/events/es-mapping.js';
import { SERVICE_LOGS_MAPPING } from '../../../shared/log/service-log-index.js';

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
  'arena-logs': SERVICE_LOGS_MAPPING,
};

/** Whether `field` (dotted for an object's sub-field: err.message) is in a mapping's properties. */
function mapped(props: Record<string, unknown>, field: string): boolean {
  const [head, ...rest] = field.split('.');
  const p = props[head!] as { properties?: Record<string, unknown> } | undefined;
  if (!p) return false;
  return rest.length === 0 || (p.properties !== undefined && mapped(p.properties, rest.join('.')));
}

const queryOf = (o: (typeof objects)[number]) =>
  (
    JSON.parse((o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as {
      query: { query: string };
    }
  ).query.query;
const byId = (id: string) => objects.find((o) => o.id === id)!;

describe('Kibana saved objects ("Match operations", "Service logs")', () => {
  it('use only fields that exist in the index mappings', () => {
    const checked: string[] = [];
    for (const o of objects) {
      if (o.type === 'index-pattern') {
        expect(mappings[o.id]!.properties).toHaveProperty(String(o.attributes.timeFieldName));
        continue;
      }
      if (o.type !== 'visualization' && o.type !== 'search') continue;
      const view = o.references.find((r) => r.type === 'index-pattern')!.id;
      const props = mappings[view]!.properties;
      const aggs =
        o.type === 'visualization'
          ? (JSON.parse(String(o.attributes.visState)) as { aggs: { params: { field?: string } }[] }).aggs
          : [];
      const fields = [
        ...aggs.flatMap((a) => (a.params.field ? [a.params.field] : [])),
        ...[...queryOf(o).matchAll(/([A-Za-z_.]+)\s*(?::|>=|<=|>|<)/g)].map((m) => m[1]!),
        ...((o.attributes.columns as string[] | undefined) ?? []),
        ...((o.attributes.sort as [string, string][] | undefined) ?? []).map(([f]) => f),
      ];
      for (const f of fields) {
        expect(mapped(props, f), `${o.id} uses ${f}, not in the ${view} mapping`).toBe(true);
        checked.push(`${o.id}:${f}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(25);
  });

  it('form two dashboards whose panels all exist, with the type they are referenced as', () => {
    const dashboards = objects.filter((o) => o.type === 'dashboard');
    expect(dashboards.map((d) => d.attributes.title)).toEqual(['Match operations', 'Service logs']);
    const types = new Map(objects.map((o) => [o.id, o.type]));
    for (const d of dashboards) {
      const panels = JSON.parse(String(d.attributes.panelsJSON)) as { type: string; panelRefName: string }[];
      expect(panels).toHaveLength(d.references.length);
      for (const [i, ref] of d.references.entries()) {
        expect(types.get(ref.id), `${d.id} panel ${ref.id}`).toBe(ref.type);
        expect(panels[i]).toMatchObject({ type: ref.type, panelRefName: `panel_${i}` });
      }
    }
    expect(dashboards[0]!.references).toHaveLength(6);
    expect(dashboards[1]!.references.map((r) => r.id)).toEqual([
      'arena-error-logs-by-service',
      'arena-error-logs',
    ]);
  });

  it('show error logs by service from arena-logs-*, and game events by game and name (issue 13)', () => {
    expect(byId('arena-logs').attributes).toEqual({ title: 'arena-logs-*', timeFieldName: 'time' });
    for (const id of ['arena-error-logs', 'arena-error-logs-by-service']) {
      expect(byId(id).references).toContainEqual(expect.objectContaining({ id: 'arena-logs' }));
      expect(queryOf(byId(id))).toBe('level : "error" or level : "fatal"');
    }
    const aggs = (id: string) =>
      (
        JSON.parse(String(byId(id).attributes.visState)) as {
          aggs: { type: string; params: { field?: string } }[];
        }
      ).aggs;
    expect(
      aggs('arena-error-logs-by-service')
        .filter((a) => a.type === 'terms')
        .map((a) => a.params.field),
    ).toEqual(['service']);
    expect(queryOf(byId('arena-game-events'))).toBe('type : "game_event"');
    expect(byId('arena-game-events').references).toContainEqual(
      expect.objectContaining({ id: 'arena-match-events' }),
    );
    expect(
      aggs('arena-game-events')
        .filter((a) => a.type === 'terms')
        .map((a) => a.params.field),
    ).toEqual(['game', 'name']);
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
