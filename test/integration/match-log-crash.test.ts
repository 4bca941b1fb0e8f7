import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../infra/local/arena-apps.js';
import { startKafka } from '../../infra/local/kafka.js';
import { cacheDir, makeRunDir } from '../../infra/local/paths.js';
import type { RestartableService } from '../../infra/local/restartable-process.js';
import { MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { samples } from '../helpers/prometheus-text.js';
import { uniqueName } from '../helpers/services.js';

// A Kafka of its own: this test stops it. Redis and Elasticsearch are the run's.
const runDir = makeRunDir();
let kafka: RestartableService;
let cluster: ArenaCluster;
let es: Client;

beforeAll(async () => {
  kafka = await startKafka(cacheDir(), runDir);
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 1,
    // TMPDIR: the room server's default spill directory (derived from ROOM_SERVER_ID) lands
    // here; MATCH_LOG_SPILL_DIR empty asks for that default (test clusters otherwise set one).
    env: {
      KAFKA_BROKERS: kafka.env.KAFKA_BROKERS!,
      TMPDIR: runDir,
      MATCH_LOG_SPILL_DIR: '',
      ROOM_RESUME_GRACE_MS: '600000',
    },
  });
  es = new Client({ node: cluster.env.ELASTICSEARCH_URL!, maxRetries: 0, requestTimeout: 10_000 });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await es?.close();
  await kafka?.stop();
  rmSync(runDir, { recursive: true, force: true });
}, 120_000);

/** Elasticsearch offers no event for "N documents are searchable": poll, with a deadline. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Doc {
  id: string;
  type: string;
  roomId: string;
  playerId?: string;
}

async function docsOf(roomPrefix: string): Promise<Doc[]> {
  try {
    await es.indices.refresh({ index: `${MATCH_EVENTS_INDEX_PREFIX}*` });
    const res = await es.search<Doc>({
      index: `${MATCH_EVENTS_INDEX_PREFIX}*`,
      query: { prefix: { roomId: roomPrefix } },
      size: 1_000,
    });
    return res.hits.hits.map((h) => h._source!);
  } catch {
    return []; // the index does not exist yet
  }
}

const metric = async (app: RunningApp, name: string) =>
  samples(await (await fetch(cluster.opsUrl(app, '/metrics'))).text()).get(name);

describe('match events survive room-server crashes during a Kafka outage (real Kafka stopped)', () => {
  it('SIGKILL, SIGTERM, SIGKILL, SIGTERM while Kafka is down: every acknowledged event in Elasticsearch exactly once', async () => {
    const prefix = uniqueName('crash');
    const rooms: { roomId: string; playerId: string }[] = [];
    await kafka.halt();
    try {
      for (const [round, signal] of (['SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGTERM'] as const).entries()) {
        const server = cluster.roomServers.at(-1)!;
        for (let k = 0; k < 5; k++) {
          const roomId = `${prefix}-${round}-${k}`;
          const client = await cluster.client([0]);
          // The game acknowledged the join: its match_started and player_joined were published.
          await client.join(roomId);
          rooms.push({ roomId, playerId: client.playerId });
          client.close();
        }
        server.process.signal(signal);
        const exit = await server.process.exited;
        if (signal === 'SIGTERM') expect(exit.code).toBe(0); // exits although Kafka is away
        // Its successor, with the same id, during the outage: it loads what the last one left.
        await cluster.startRoomServer('rs-a');
      }
      const spillDir = join(runDir, 'arena-match-log-rs-a');
      expect(readdirSync(spillDir).filter((f) => f.endsWith('.jsonl')).length).toBeGreaterThan(0);
    } finally {
      await kafka.resume();
    }

    const survivor = cluster.roomServers.at(-1)!;
    await until('the room server to send what it found on disk', async () => {
      return (await metric(survivor, 'arena_match_log_pending_events')) === 0;
    });
    await cluster.startIndexer(uniqueName('ix-crash'));
    const expected = rooms.flatMap(({ roomId, playerId }) => [
      `match_started ${roomId} -`,
      `player_joined ${roomId} ${playerId}`,
    ]);
    const seen = async () => {
      const docs = await docsOf(`${prefix}-`);
      return docs
        .filter((d) => d.type === 'match_started' || d.type === 'player_joined')
        .map((d) => `${d.type} ${d.roomId} ${d.type === 'match_started' ? '-' : d.playerId}`);
    };
    await until(`all ${expected.length} acknowledged events searchable`, async () => {
      const s = new Set(await seen());
      return expected.every((e) => s.has(e));
    });
    // Exactly once: no event twice (a resend after a crash overwrote itself by id), none missing.
    expect((await seen()).sort()).toEqual(expected.sort());
    const docs = await docsOf(`${prefix}-`);
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    expect(await metric(survivor, 'arena_match_log_dropped_events_total')).toBe(0);
    const left = readdirSync(join(runDir, 'arena-match-log-rs-a')).filter((f) => f.endsWith('.jsonl'));
    expect(left.length).toBeLessThanOrEqual(1); // at most the segment being appended to, all acknowledged
  }, 400_000);
});
