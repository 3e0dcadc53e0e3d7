import { Logger, type Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TOPICS } from '@sp/contracts';
import type { CommonEnv } from '../config/validate-env';
import { ensureTopics } from './ensure-topics';
import { kafkaConnection } from './kafka-connection';
import { backoffMs } from './batch-consumer';
import { EventSigner, type EventSigningEnv } from './event-signer';
import { KafkaPublisher } from './kafka.publisher';
import { checkAccessTopic } from './topic-settings';

/** The service's EventSigner from EVENT_SIGNING_KEYS (and EVENT_SIGNING_KEY_ID where it signs). */
export const eventSignerProvider: Provider = {
  provide: EventSigner,
  inject: [ConfigService],
  useFactory: (config: ConfigService<EventSigningEnv, true>) =>
    new EventSigner(config.get('EVENT_SIGNING_KEYS', { infer: true }), config.get('EVENT_SIGNING_KEY_ID', { infer: true })),
};

const logger = new Logger('KafkaTopics');

/**
 * The service's KafkaPublisher. Setting up the platform's topics (creating the missing ones,
 * KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR; checking the access topic's configuration) and
 * connecting happen in the background, retried until the broker answers: a service started while
 * the broker is down listens and reports not ready (isConnected false) instead of exiting.
 * `signsAccessEvents`: key-service, the one producer of the access topic, signs what it publishes
 * there (needs eventSignerProvider).
 */
export function kafkaPublisherProvider(clientId: string, options: { signsAccessEvents?: boolean } = {}): Provider {
  return {
    provide: KafkaPublisher,
    inject: options.signsAccessEvents ? [ConfigService, EventSigner] : [ConfigService],
    useFactory: (config: ConfigService<CommonEnv, true>, signer?: EventSigner) => {
      const brokers = kafkaConnection(config);
      signer?.assertCanSign();
      const publisher = new KafkaPublisher(brokers, clientId, signer ? { signer, topics: [TOPICS.accessEvents] } : undefined);
      void (async () => {
        for (let attempt = 1; !publisher.isShutDown; attempt++) {
          try {
            await ensureTopics(brokers, Object.values(TOPICS), {
              numPartitions: config.get('KAFKA_PARTITIONS', { infer: true }),
              replicationFactor: config.get('KAFKA_REPLICATION_FACTOR', { infer: true }),
            });
            // A topic configured so that it would lose events is said at start, in the log and in readiness.
            publisher.topicProblems = await checkAccessTopic(brokers);
            for (const problem of publisher.topicProblems) logger.error(problem);
            await publisher.connect();
            return;
          } catch (err) {
            const wait = backoffMs(attempt, 500, 5_000);
            logger.warn(`Kafka not reachable (attempt ${attempt}), retrying in ${wait} ms: ${(err as Error).message}`);
            await new Promise((resolve) => setTimeout(resolve, wait));
          }
        }
      })();
      return publisher;
    },
  };
}
