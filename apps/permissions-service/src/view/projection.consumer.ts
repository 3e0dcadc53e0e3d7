import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { accessEventSchema, EVENT_SIGNATURE_HEADER, TOPICS, type AccessEvent } from '@sp/contracts';
import { hasConsistentAggregateId } from '@sp/permissions';
import { BatchConsumer, EventSigner, KafkaPublisher, kafkaConnection } from '@sp/platform';
import type { PermissionsEnv } from '../config/env.schema';
import { ProjectionService } from './projection.service';
import { ViewRepository } from './view.repository';

/** Keeps the MongoDB view following the access topic (batched, validated, dead-lettering, retrying). */
@Injectable()
export class ProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly consumer: BatchConsumer<AccessEvent>;

  constructor(
    config: ConfigService<PermissionsEnv, true>,
    publisher: KafkaPublisher,
    signer: EventSigner,
    projection: ProjectionService,
    private readonly repo: ViewRepository,
  ) {
    this.consumer = new BatchConsumer<AccessEvent>({
      brokers: kafkaConnection(config),
      clientId: 'permissions-service',
      groupId: config.get('PERMISSIONS_GROUP', { infer: true }),
      topic: TOPICS.accessEvents,
      deadLetterTopic: TOPICS.accessEventsDeadLetter,
      fromBeginning: true,
      schema: accessEventSchema,
      verify: (value, headers) => signer.verify(value, headers?.[EVENT_SIGNATURE_HEADER]),
      check: (event) => (hasConsistentAggregateId(event) ? null : `aggregateId ${event.aggregateId} does not match the ${event.type} payload`),
      publisher,
      handle: async (messages) => {
        const refused = await projection.projectBatch(messages.map((m) => m.value));
        const last = messages[messages.length - 1];
        await repo.saveOffset(TOPICS.accessEvents, last.partition, BigInt(last.offset) + 1n);
        return [...refused].map(([index, error]) => ({ offset: messages[index].offset, error }));
      },
      // Restart from what the view in MongoDB reflects, not from the log's history.
      startOffsets: () => repo.offsets(TOPICS.accessEvents),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repo.ensureIndexes();
    // Not awaited: HTTP listens (not ready) while the group is joined, which after a crash waits
    // out the dead member's session.
    this.consumer.startInBackground();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
