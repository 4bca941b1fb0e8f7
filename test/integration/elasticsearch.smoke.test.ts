import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig, uniqueName } from '../helpers/services.js';

describe('real Elasticsearch', () => {
  const config = testConfig();
  const es = new Client({ node: config.elasticsearch.url });
  afterAll(() => es.close());

  it('indexes one document and finds it by search', async () => {
    const nodes = await es.nodes.info({ metric: 'settings' });
    const node = Object.values(nodes.nodes)[0];
    console.log(`elasticsearch smoke: Elasticsearch ${node?.version} at ${config.elasticsearch.url}`);
    expect(node?.version).toMatch(/^8\./);

    const index = uniqueName('smoke');
    await es.index({
      index,
      id: 'evt-1',
      document: { matchId: 'm-42', type: 'match_ended' },
      refresh: 'wait_for',
    });
    const result = await es.search<{ matchId: string }>({
      index,
      query: { term: { 'matchId.keyword': 'm-42' } },
    });
    expect(result.hits.hits.map((h) => h._id)).toEqual(['evt-1']);
    expect(result.hits.hits[0]?._source?.matchId).toBe('m-42');
    await es.indices.delete({ index });
  });
});
