import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { BatchConsumer, KafkaPublisher } from '@sp/platform';
import { waitUntil } from '@sp/testing';

/**
 * When kafkajs gives up on a consumer for good (a crash it will not restart from), the service
 * must not linger half-alive: BatchConsumer calls onFatal, which by default exits the process so
 * its supervisor restarts it. Here the topic disappears under a consumer allowed no restart.
 */
describe('a consumer kafkajs will not restart ends the process', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const topic = `crash-test-${randomUUID().slice(0, 8)}`;
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  let publisher: KafkaPublisher;
  let consumer: BatchConsumer<{ n: number }>;

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS) throw new Error('run through npm test: KAFKA_BROKERS is required');
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    publisher = new KafkaPublisher(brokers, 'crash-test');
  });

  afterAll(async () => {
    await consumer?.stop();
    await publisher?.onApplicationShutdown();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('calls onFatal (process exit by default) after a crash without restart', async () => {
    const fatal: Error[] = [];
    const seen: number[] = [];
    consumer = new BatchConsumer({
      brokers,
      clientId: 'crash-test',
      groupId: `crash-test.${randomUUID()}`,
      topic,
      deadLetterTopic: null,
      fromBeginning: true,
      schema: z.object({ n: z.number() }),
      publisher,
      handle: async (messages) => {
        seen.push(...messages.map((m) => m.value.n));
      },
      kafkaRetry: { retries: 0, restartOnFailure: async () => false },
      onFatal: (err) => fatal.push(err),
    });
    await consumer.start();
    await publisher.publish(topic, [{ key: 'k', value: { n: 1 } }]);
    await waitUntil(() => seen.includes(1));

    await admin.deleteTopics({ topics: [topic] });
    await waitUntil(() => fatal.length > 0, 60_000, 200);
    expect(consumer.isRunning).toBe(false);
    expect(fatal[0]).toBeInstanceOf(Error);
  });
});
