import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { KEY_USED, TOPICS, type KeyUsedEvent } from '@sp/contracts';
import { KafkaPublisher } from '@sp/platform';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics } from '../metrics/gateway.metrics';

export type UsageRecord = Omit<KeyUsedEvent, 'id' | 'type' | 'schemaVersion' | 'occurredAt' | 'firstOccurredAt' | 'count'>;

interface Tally {
  usage: UsageRecord;
  count: number;
  first: number;
  last: number;
}

/**
 * Key-usage events off the request path. `record` only counts the decision in a bounded in-memory
 * tally keyed by everything the event says (a new kind of decision when the tally is full is
 * dropped and counted); a timer publishes the tally in batches, one event per kind of decision
 * with its count. A failed publish keeps the events for the next try.
 */
@Injectable()
export class UsagePublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsagePublisher.name);
  private tally = new Map<string, Tally>();
  private unsent: KeyUsedEvent[] = [];
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
    const now = Date.now();
    const id = `${usage.keyId}\u0000${usage.method}\u0000${usage.route}\u0000${usage.decision}\u0000${usage.reason}\u0000${usage.status}\u0000${usage.clientIp}`;
    const seen = this.tally.get(id);
    if (seen !== undefined) {
      seen.count++;
      seen.last = now;
      return;
    }
    if (this.tally.size + this.unsent.length >= this.capacity) {
      this.dropped++;
      this.metrics.usageEvents.inc({ fate: 'dropped' });
      return;
    }
    this.tally.set(id, { usage, count: 1, first: now, last: now });
  }

  get pending(): number {
    return this.tally.size + this.unsent.length;
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (const t of this.tally.values()) {
        this.unsent.push({
          id: randomUUID(),
          type: KEY_USED,
          schemaVersion: 1,
          occurredAt: new Date(t.last).toISOString(),
          firstOccurredAt: new Date(t.first).toISOString(),
          count: t.count,
          ...t.usage,
        });
      }
      this.tally = new Map();
      while (this.unsent.length > 0) {
        const batch = this.unsent.slice(0, this.batchSize);
        try {
          await this.publisher.publish(TOPICS.keyUsage, batch.map((e) => ({ key: e.keyId, value: e })));
        } catch (err) {
          this.metrics.usageEvents.inc({ fate: 'failed' }, batch.length);
          this.logger.warn(`publishing ${batch.length} usage events failed, will retry: ${(err as Error).message}`);
          return;
        }
        this.unsent = this.unsent.slice(batch.length);
        this.metrics.usageEvents.inc({ fate: 'published' }, batch.reduce((n, e) => n + e.count, 0));
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
}
