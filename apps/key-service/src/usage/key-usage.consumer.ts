import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { keyUsedEventSchema, TOPICS, type KeyUsedEvent } from '@sp/contracts';
import { BatchConsumer, KafkaPublisher, kafkaConnection } from '@sp/platform';
import type { KeyServiceEnv } from '../config/env.schema';
import { AuditLogRepository } from './audit-log.repository';

/** Audits key usage: consumes the gateway's key-usage topic in batches into the usage log and lastUsedAt. */
@Injectable()
export class KeyUsageConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly consumer: BatchConsumer<KeyUsedEvent>;

  constructor(config: ConfigService<KeyServiceEnv, true>, publisher: KafkaPublisher, audit: AuditLogRepository) {
    this.consumer = new BatchConsumer<KeyUsedEvent>({
      brokers: kafkaConnection(config),
      clientId: 'key-service',
      groupId: config.get('KEY_USAGE_GROUP', { infer: true }),
      topic: TOPICS.keyUsage,
      deadLetterTopic: TOPICS.keyUsageDeadLetter,
      fromBeginning: true,
      schema: keyUsedEventSchema,
      publisher,
      handle: (messages) => audit.recordUsage(messages.map((m) => m.value)),
    });
  }

  /** Not awaited: HTTP listens (not ready) while the group is joined, which after a crash waits out the dead member's session. */
  onApplicationBootstrap(): void {
    this.consumer.startInBackground();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
