import { Logger, type Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TOPICS } from '@sp/contracts';
import type { CommonEnv } from '../config/validate-env';
import { ensureTopics } from './ensure-topics';
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

/**
 * The service's KafkaPublisher, connected, after making sure the platform's topics exist
 * (KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR). `signsAccessEvents`: key-service, the one producer
 * of the access topic, signs what it publishes there (needs eventSignerProvider).
 */
const logger = new Logger('KafkaTopics');

export function kafkaPublisherProvider(clientId: string, options: { signsAccessEvents?: boolean } = {}): Provider {
  return {
    provide: KafkaPublisher,
    inject: options.signsAccessEvents ? [ConfigService, EventSigner] : [ConfigService],
    useFactory: async (config: ConfigService<CommonEnv, true>, signer?: EventSigner) => {
      const brokers = config.get('KAFKA_BROKERS', { infer: true });
      await ensureTopics(brokers, Object.values(TOPICS), {
        numPartitions: config.get('KAFKA_PARTITIONS', { infer: true }),
        replicationFactor: config.get('KAFKA_REPLICATION_FACTOR', { infer: true }),
      });
      signer?.assertCanSign();
      // A topic configured so that it would lose events is said at start, in the log and in readiness.
      const topicProblems = await checkAccessTopic(brokers);
      for (const problem of topicProblems) logger.error(problem);
      const publisher = new KafkaPublisher(brokers, clientId, signer ? { signer, topics: [TOPICS.accessEvents] } : undefined);
      publisher.topicProblems = topicProblems;
      await publisher.connect();
      return publisher;
    },
  };
}
