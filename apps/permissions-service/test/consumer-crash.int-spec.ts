import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { BatchConsumer, KafkaPublisher } from '@sp/platform';
import { waitUntil } from '@sp/testing';

/**
 * A consumer does not give up: after a crash (here its topic disappears under it) kafkajs restarts
 * it (BatchConsumer's KAFKA_CONSUMER_RETRY restarts on any error), and once the topic is back it
 * consumes again, in the same process, without a restart by hand.
 */
describe('a crashed consumer restarts by itself', () => {
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

  it('consumes again after its topic was deleted and re-created', async () => {
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
    });
    await consumer.start();
    await publisher.publish(topic, [{ key: 'k', value: { n: 1 } }]);
    await waitUntil(() => seen.includes(1));
    const fetchedBefore = consumer.lastFetchAt;
    expect(fetchedBefore).toBeGreaterThan(0);

    await admin.deleteTopics({ topics: [topic] });
    await waitUntil(() => consumer.error !== null, 60_000, 200);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await waitUntil(async () => {
      await publisher.publish(topic, [{ key: 'k', value: { n: 2 } }]).catch(() => undefined);
      return seen.includes(2);
    }, 90_000, 1_000);
    expect(consumer.lastFetchAt).toBeGreaterThan(fetchedBefore);
  });
});
