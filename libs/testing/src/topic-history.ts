import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@sp/platform';
import { waitUntil } from './wait-until';

/** Each partition's log start and end (what retention or deleteRecords left). */
export async function topicOffsets(brokers: string[], topic: string): Promise<{ partition: number; low: string; high: string }[]> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/** What retention does, all at once: every partition's log start moves to its end. Returns the offsets after. */
export async function deleteTopicHistory(brokers: string[], topic: string): Promise<{ partition: number; low: string; high: string }[]> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopicRecords({ topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
  return topicOffsets(brokers, topic);
}

/**
 * Deletes the topic and creates it again as the services do (same partitions, their settings), so
 * that views started afterwards see a whole history again. For suites sharing one cluster after a
 * suite deleted the history (a view started on such a topic rightly reports a gap). Only while no
 * service of the suite runs.
 */
export async function recreateTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  let partitions: number;
  try {
    partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    await waitUntil(async () => !(await admin.listTopics()).includes(topic), 30_000, 200);
  } finally {
    await admin.disconnect();
  }
  // The broker may still be finishing the deletion: creation is retried until it succeeds.
  await waitUntil(
    () => ensureTopics(brokers, [topic], { numPartitions: partitions, replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1) }).then(() => true),
    60_000,
    500,
  );
  await waitUntil(async () => (await topicOffsets(brokers, topic)).length === partitions, 30_000, 200);
}
