/**
 * Ops CLI. `npm run arena -- logs match <matchId>` prints a match's events from
 * Elasticsearch (ELASTICSEARCH_URL), oldest first.
 */
import { Client } from '@elastic/elasticsearch';
import { loadConfig } from '../../shared/config/index.js';
import { formatEvent, matchEvents } from './match-log-query.js';

async function main(args: string[]): Promise<number> {
  const [area, what, id] = args;
  if (area !== 'logs' || what !== 'match' || !id || !/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) {
    console.error('usage: npm run arena -- logs match <matchId>');
    return 2;
  }
  const es = new Client({ node: loadConfig().elasticsearch.url });
  try {
    const events = await matchEvents(es, id);
    if (events.length === 0) {
      console.error(`no events for match ${id}`);
      return 1;
    }
    for (const e of events) console.log(formatEvent(e));
    return 0;
  } finally {
    await es.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
