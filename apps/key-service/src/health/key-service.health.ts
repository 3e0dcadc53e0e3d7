import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessIndicator } from '@sp/platform';
import { KafkaPublisher } from '@sp/platform';
import { OutboxRelay } from '../outbox/outbox.relay';
import { KeyUsageConsumer } from '../usage/key-usage.consumer';

/** Kafka: producer connected, usage consumer running, outbox relay not failing. */
@Injectable()
export class KafkaReadiness implements ReadinessIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly publisher: KafkaPublisher,
    private readonly usage: KeyUsageConsumer,
    private readonly relay: OutboxRelay,
  ) {}
  async check() {
    const session = this.indicator.check('kafka');
    const details = {
      producer: this.publisher.isConnected,
      usageConsumer: this.usage.consumer.isRunning,
      outboxRelayError: this.relay.lastError,
      published: this.relay.published,
      topicProblems: this.publisher.topicProblems,
    };
    return this.publisher.isConnected && this.usage.consumer.isRunning && this.relay.lastError === null && this.publisher.topicProblems.length === 0
      ? session.up(details)
      : session.down(details);
  }
}
