import type { Kafka } from 'kafkajs';
import { MATCH_EVENTS_DLQ_TOPIC, MATCH_EVENTS_TOPIC } from './match-events.js';

/** Creates the pipeline's topics if missing (idempotent); partitions bound how far the indexer scales out. */
export async function ensureMatchEventTopics(kafka: Kafka, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = [MATCH_EVENTS_TOPIC, MATCH_EVENTS_DLQ_TOPIC]
      .filter((t) => !existing.has(t))
      .map((topic) => ({ topic, numPartitions: topic === MATCH_EVENTS_TOPIC ? partitions : 1 }));
    if (topics.length > 0)
      await admin.createTopics({ topics, waitForLeaders: true }).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
  } finally {
    await admin.disconnect();
  }
}
