import { Kafka, logLevel } from 'kafkajs';
import { kafkaClientSettings, type KafkaTarget } from './kafka-connection';
import { kafkaLogCreator } from './kafka-log';
import { topicConfigEntries } from './topic-settings';

/**
 * Creates the topics a service uses when they do not exist yet (idempotent; safe against an
 * existing cluster). Waits for their leaders, so the first produce or subscribe does not race.
 */
export async function ensureTopics(
  target: KafkaTarget,
  topics: string[],
  options: { numPartitions: number; replicationFactor: number },
): Promise<void> {
  const admin = new Kafka({ ...kafkaClientSettings(target), clientId: 'topic-setup', logLevel: logLevel.WARN, logCreator: kafkaLogCreator }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, ...options, configEntries: topicConfigEntries(topic) })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
