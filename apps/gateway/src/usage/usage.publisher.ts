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
  private tally = new Map<string, Tally[]>();
  private tallied = 0;
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

  /**
   * Counts one decision; `now`: when it was made (epoch ms), if the caller already read the clock.
   * The record is copied only when it starts a new tally, so a caller may fill and reuse one object
   * for every request (the gateway does: no allocation per request for a repeated decision).
   */
  record(usage: UsageRecord, now = Date.now()): void {
    // Tallies per key, then a short scan (a key sees few kinds of decision per flush window):
    // cheaper on the request path than building and hashing one composite string per request.
    const keyId = usage.keyId;
    let ofKey = this.tally.get(keyId);
    if (ofKey !== undefined) {
      for (const t of ofKey) {
        if (sameDecision(t.usage, usage)) {
          t.count++;
          t.last = now;
          return;
        }
      }
    }
    if (this.tallied + this.unsent.length >= this.capacity) {
      this.dropped++;
      this.metrics.usageEvents.inc({ fate: 'dropped' });
      return;
    }
    if (ofKey === undefined) {
      ofKey = [];
      this.tally.set(keyId, ofKey);
    }
    ofKey.push({ usage: { ...usage }, count: 1, first: now, last: now });
    this.tallied++;
  }

  get pending(): number {
    return this.tallied + this.unsent.length;
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (const t of [...this.tally.values()].flat()) {
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
      this.tallied = 0;
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

/** Same event apart from time and count (the key is already the same). */
function sameDecision(a: UsageRecord, b: UsageRecord): boolean {
  return (
    a.route === b.route &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.method === b.method &&
    a.clientIp === b.clientIp &&
    a.decision === b.decision &&
    a.permission === b.permission &&
    a.orgId === b.orgId
  );
}
