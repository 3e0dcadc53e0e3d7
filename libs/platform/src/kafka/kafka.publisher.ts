import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { logLevel, Partitioners, type IHeaders, type RecordMetadata } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { EVENT_SIGNATURE_HEADER } from '@sp/contracts';
import type { EventSigner } from './event-signer';
import { kafkaClientSettings, type KafkaTarget } from './kafka-connection';
import { kafkaLogCreator } from './kafka-log';

export interface OutgoingMessage {
  key: string;
  /** Plain objects are sent as JSON; Buffers and strings as they are. */
  value: unknown;
  headers?: IHeaders;
}

export interface PublisherSigning {
  signer: EventSigner;
  /** Topics whose messages are signed (the access topic). */
  topics: readonly string[];
}

/**
 * Publishes to Kafka through @nestjs/microservices' Kafka client (kafkajs underneath), configured for
 * no loss: an idempotent producer, acknowledgements from all in-sync replicas, bounded retries. Callers
 * get the partition and offset of every record, or an error they must handle (nothing is dropped here).
 * With `signing`, messages to its topics are serialised here and carry the signature of those bytes.
 * `isConnected` turns false when a publish fails and true again when one succeeds.
 */
export class KafkaPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaPublisher.name);
  private readonly client: ClientKafka;
  private connected = false;
  private shutDown = false;
  /** What is wrong with the access topic's configuration, as checked at start (readiness reports it). */
  topicProblems: string[] = [];

  constructor(target: KafkaTarget, clientId: string, private readonly signing?: PublisherSigning) {
    this.client = new ClientKafka({
      client: {
        ...kafkaClientSettings(target),
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
    const signer = this.signing?.topics.includes(topic) ? this.signing.signer : null;
    const outgoing = signer ? messages.map((m) => signed(signer, m)) : messages;
    // After shutdown a late publish (the outbox's fast lane finishing) must not reconnect the producer.
    if (this.shutDown) throw new Error('the Kafka publisher is shut down');
    try {
      if (!this.connected) await this.connect();
      const sent = await lastValueFrom(this.client.emitBatch<RecordMetadata[]>(topic, { messages: outgoing }));
      this.connected = true;
      return sent;
    } catch (err) {
      this.connected = false;
      throw err;
    }
  }

  get isShutDown(): boolean {
    return this.shutDown;
  }

  async onApplicationShutdown(): Promise<void> {
    this.shutDown = true;
    await this.client.close().catch((err: unknown) => this.logger.warn(`closing producer: ${String(err)}`));
    this.connected = false;
  }
}

function signed(signer: EventSigner, message: OutgoingMessage): OutgoingMessage {
  const { value } = message;
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return { ...message, value: bytes, headers: { ...message.headers, [EVENT_SIGNATURE_HEADER]: signer.sign(bytes) } };
}
