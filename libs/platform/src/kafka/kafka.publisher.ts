import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { logLevel, Partitioners, type IHeaders, type RecordMetadata } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { kafkaLogCreator } from './kafka-log';

export interface OutgoingMessage {
  key: string;
  /** Plain objects are sent as JSON; Buffers and strings as they are. */
  value: unknown;
  headers?: IHeaders;
}

/**
 * Publishes to Kafka through @nestjs/microservices' Kafka client (kafkajs underneath), configured for
 * no loss: an idempotent producer, acknowledgements from all in-sync replicas, bounded retries. Callers
 * get the partition and offset of every record, or an error they must handle (nothing is dropped here).
 */
export class KafkaPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaPublisher.name);
  private readonly client: ClientKafka;
  private connected = false;

  constructor(brokers: string[], clientId: string) {
    this.client = new ClientKafka({
      client: {
        brokers,
        clientId,
        logLevel: logLevel.WARN,
        logCreator: kafkaLogCreator,
        retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
      },
      producerOnlyMode: true,
      producer: { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
      send: { acks: -1, timeout: 10_000 },
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<RecordMetadata[]> {
    if (messages.length === 0) return [];
    if (!this.connected) await this.connect();
    return lastValueFrom(this.client.emitBatch<RecordMetadata[]>(topic, { messages }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close().catch((err: unknown) => this.logger.warn(`closing producer: ${String(err)}`));
    this.connected = false;
  }
}
