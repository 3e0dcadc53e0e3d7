import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { KEY_USED, TOPICS, type KeyUsedEvent } from '@sp/contracts';
import { KafkaPublisher } from '@sp/platform';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics } from '../metrics/gateway.metrics';

export type UsageRecord = Omit<KeyUsedEvent, 'id' | 'type' | 'schemaVersion' | 'occurredAt'>;

/**
 * Key-usage events off the request path: `record` only appends to a bounded in-memory buffer (a
 * full buffer drops the event and counts it); a timer publishes the buffer in batches. A failed
 * publish keeps the batch at the front of the buffer for the next try.
 */
@Injectable()
export class UsagePublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsagePublisher.name);
  private buffer: KeyUsedEvent[] = [];
  private readonly capacity: number;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(config: ConfigService<GatewayEnv, true>, private readonly publisher: KafkaPublisher, private readonly metrics: GatewayMetrics) {
    this.capacity = config.get('USAGE_BUFFER_SIZE', { infer: true });
    this.flushMs = config.get('USAGE_FLUSH_MS', { infer: true });
    this.batchSize = config.get('USAGE_BATCH_SIZE', { infer: true });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  record(usage: UsageRecord): void {
    if (this.buffer.length >= this.capacity) {
      this.dropped++;
      this.metrics.usageEvents.inc({ fate: 'dropped' });
      return;
    }
    this.buffer.push({ id: randomUUID(), type: KEY_USED, schemaVersion: 1, occurredAt: new Date().toISOString(), ...usage });
  }

  get pending(): number {
    return this.buffer.length;
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, this.batchSize);
        try {
          await this.publisher.publish(TOPICS.keyUsage, batch.map((e) => ({ key: e.keyId, value: e })));
        } catch (err) {
          this.metrics.usageEvents.inc({ fate: 'failed' }, batch.length);
          this.logger.warn(`publishing ${batch.length} usage events failed, will retry: ${(err as Error).message}`);
          return;
        }
        this.buffer = this.buffer.slice(batch.length);
        this.metrics.usageEvents.inc({ fate: 'published' }, batch.length);
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}
