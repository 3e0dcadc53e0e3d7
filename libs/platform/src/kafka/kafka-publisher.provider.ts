import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TOPICS } from '@sp/contracts';
import type { CommonEnv } from '../config/validate-env';
import { ensureTopics } from './ensure-topics';
import { KafkaPublisher } from './kafka.publisher';

/**
 * The service's KafkaPublisher, connected, after making sure the platform's topics exist
 * (KAFKA_PARTITIONS, KAFKA_REPLICATION_FACTOR).
 */
export function kafkaPublisherProvider(clientId: string): Provider {
  return {
    provide: KafkaPublisher,
    inject: [ConfigService],
    useFactory: async (config: ConfigService<CommonEnv, true>) => {
      const brokers = config.get('KAFKA_BROKERS', { infer: true });
      await ensureTopics(brokers, Object.values(TOPICS), {
        numPartitions: config.get('KAFKA_PARTITIONS', { infer: true }),
        replicationFactor: config.get('KAFKA_REPLICATION_FACTOR', { infer: true }),
      });
      const publisher = new KafkaPublisher(brokers, clientId);
      await publisher.connect();
      return publisher;
    },
  };
}
