import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs';
import { TOPICS } from '@sp/contracts';
import { kafkaClientSettings, type KafkaTarget } from './kafka-connection';
import { kafkaLogCreator } from './kafka-log';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What each topic keeps. No view depends on the access topic's history (they start from snapshots
 * and stored offsets): it only has to outlast the longest outage of a consumer, so its events are
 * deleted after 30 days and never compacted (compaction by orgId would drop older events of an org
 * a lagging consumer has not read). Usage events are consumed within seconds; dead letters are kept
 * for people to inspect.
 */
export const TOPIC_RETENTION_MS: Record<string, number> = {
  [TOPICS.accessEvents]: 30 * DAY_MS,
  [TOPICS.accessEventsDeadLetter]: 30 * DAY_MS,
  [TOPICS.keyUsage]: 7 * DAY_MS,
  [TOPICS.keyUsageDeadLetter]: 30 * DAY_MS,
};

/** Below this, a consumer down over a long weekend would miss access events for good. */
export const ACCESS_TOPIC_MIN_RETENTION_MS = 7 * DAY_MS;

/** The configuration a topic is created with. */
export function topicConfigEntries(topic: string): { name: string; value: string }[] {
  const retention = TOPIC_RETENTION_MS[topic];
  return [{ name: 'cleanup.policy', value: 'delete' }, ...(retention ? [{ name: 'retention.ms', value: String(retention) }] : [])];
}

/** What is wrong with the access topic's configuration for the views (empty when nothing is). */
export function accessTopicProblems(config: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if ((config['cleanup.policy'] ?? 'delete').includes('compact')) {
    problems.push(`${TOPICS.accessEvents}: cleanup.policy=${config['cleanup.policy']} compacts away older events of an org that a lagging consumer has not read; use delete`);
  }
  const retention = Number(config['retention.ms'] ?? -1);
  if (retention !== -1 && retention < ACCESS_TOPIC_MIN_RETENTION_MS) {
    problems.push(`${TOPICS.accessEvents}: retention.ms=${retention} is under ${ACCESS_TOPIC_MIN_RETENTION_MS} (7 days): a consumer down longer misses events for good`);
  }
  return problems;
}

/** Reads the access topic's configuration from the cluster and checks it. */
export async function checkAccessTopic(target: KafkaTarget): Promise<string[]> {
  const admin = new Kafka({ ...kafkaClientSettings(target), clientId: 'topic-check', logLevel: logLevel.WARN, logCreator: kafkaLogCreator }).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPICS.accessEvents, configNames: ['cleanup.policy', 'retention.ms'] }],
    });
    const entries = Object.fromEntries((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
    return accessTopicProblems(entries);
  } finally {
    await admin.disconnect();
  }
}

/** Each partition's log start offset (the oldest record retention and deletions left). */
export async function topicLogStartOffsets(target: KafkaTarget, topic: string): Promise<Map<number, bigint>> {
  const admin = new Kafka({ ...kafkaClientSettings(target), clientId: 'topic-check', logLevel: logLevel.WARN, logCreator: kafkaLogCreator, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.low)]));
  } finally {
    await admin.disconnect();
  }
}
