import type { Consumer, KafkaMessage } from 'kafkajs';

/**
 * Indexes one batch of one partition. `active()` turns false once this consumer lost the
 * partition or is stopping: a retry loop must then give up and leave the batch uncommitted.
 */
export type BatchHandler = (
  partition: number,
  messages: KafkaMessage[],
  heartbeat: () => Promise<void>,
  active: () => boolean,
) => Promise<void>;

/**
 * Runs `consumer` on `topic` a batch at a time, at least once: a batch is committed only after
 * `handle` returned, so one it threw on (or one in hand at a crash) is delivered again.
 */
export async function consumeBatches(consumer: Consumer, topic: string, handle: BatchHandler): Promise<void> {
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary }) => {
      if (batch.messages.length === 0) return;
      await handle(batch.partition, batch.messages, heartbeat, () => isRunning() && !isStale());
      // Resolving moves this consumer's fetch position past the batch; committing records it
      // for the group. Without the first, kafkajs fetches the same messages again and again.
      resolveOffset(batch.lastOffset());
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      // Not consumer.commitOffsets(): once stop() began (SIGTERM) it silently does nothing, and
      // the batch just indexed would stay uncommitted. This commits while the group is still joined.
      await commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
      });
    },
  });
}
