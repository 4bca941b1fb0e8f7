import type { Kafka } from 'kafkajs';
import { MATCH_EVENTS_DLQ_TOPIC, MATCH_EVENTS_TOPIC } from './match-events.js';

/** Creates the topics that are missing (idempotent: a topic created meanwhile by another process is fine). */
export async function ensureTopics(
  kafka: Kafka,
  wanted: { topic: string; numPartitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = wanted.filter((t) => !existing.has(t.topic));
    if (topics.length > 0)
      await admin.createTopics({ topics, waitForLeaders: true }).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
  } finally {
    await admin.disconnect();
  }
}

/** Creates the pipeline's topics if missing (idempotent); partitions bound how far the indexer scales out. */
export async function ensureMatchEventTopics(kafka: Kafka, partitions: number): Promise<void> {
  await ensureTopics(kafka, [
    { topic: MATCH_EVENTS_TOPIC, numPartitions: partitions },
    { topic: MATCH_EVENTS_DLQ_TOPIC, numPartitions: 1 },
  ]);
}
