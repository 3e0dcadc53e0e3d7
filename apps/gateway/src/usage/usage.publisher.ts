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
 * Key-usage events off the request path. `record` counts the decision in a bounded in-memory
 * tally keyed by everything the event says; a timer publishes the tally in batches, one event per
 * kind of decision with its count. A failed publish keeps the events for the next try.
 *
 * The buffer is shared fairly between orgs: an org may hold at most its fair share (the capacity
 * divided by the orgs in the buffer) of the kinds of decision tallied. When the buffer is full, a
 * new kind of decision of an org under its share evicts one of the org holding the most; an org at
 * its share has its new kind dropped. So a busy org cannot push out a quiet org's usage. Drops are
 * counted per org (metric gateway_usage_dropped_total{org}).
 */
@Injectable()
export class UsagePublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsagePublisher.name);
  /** Tallies per key, then a short scan: a key sees few kinds of decision per flush window. */
  private tally = new Map<string, Tally[]>();
  /** The same tallies per org, for fair shares and eviction. */
  private byOrg = new Map<string, Tally[]>();
  private tallied = 0;
  private unsent: KeyUsedEvent[] = [];
  private readonly capacity: number;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  readonly droppedByOrg = new Map<string, number>();

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

  /** Counts one decision; `now`: when it was made (epoch ms). The record is copied when it starts a tally. */
  record(usage: UsageRecord, now = Date.now()): void {
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
    const orgId = usage.orgId;
    const ofOrg = this.byOrg.get(orgId);
    const held = ofOrg?.length ?? 0;
    const share = Math.max(1, Math.floor(this.capacity / (this.byOrg.size + (held === 0 ? 1 : 0))));
    if (held >= share) return this.drop(orgId, 1);
    if (this.tallied + this.unsent.length >= this.capacity && !this.evictFromLargest()) return this.drop(orgId, 1);
    const t: Tally = { usage: { ...usage }, count: 1, first: now, last: now };
    if (ofKey === undefined) {
      ofKey = [];
      this.tally.set(keyId, ofKey);
    }
    ofKey.push(t);
    if (ofOrg === undefined) this.byOrg.set(orgId, [t]);
    else ofOrg.push(t);
    this.tallied++;
  }

  get pending(): number {
    return this.tallied + this.unsent.length;
  }

  /** Drops the newest tally of the org holding the most; false when there is none to drop. */
  private evictFromLargest(): boolean {
    let largest: Tally[] | undefined;
    for (const list of this.byOrg.values()) if (largest === undefined || list.length > largest.length) largest = list;
    const victim = largest?.pop();
    if (largest === undefined || victim === undefined) return false;
    const { orgId, keyId } = victim.usage;
    if (largest.length === 0) this.byOrg.delete(orgId);
    const ofKey = this.tally.get(keyId) ?? [];
    ofKey.splice(ofKey.indexOf(victim), 1);
    if (ofKey.length === 0) this.tally.delete(keyId);
    this.tallied--;
    this.drop(orgId, victim.count);
    return true;
  }

  private drop(orgId: string, count: number): void {
    this.dropped += count;
    this.droppedByOrg.set(orgId, (this.droppedByOrg.get(orgId) ?? 0) + count);
    this.metrics.usageEvents.inc({ fate: 'dropped' }, count);
    this.metrics.usageDropped.inc({ org: orgId }, count);
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
      this.byOrg = new Map();
      this.tallied = 0;
      this.metrics.usagePending.set(this.unsent.length);
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
      this.metrics.usagePending.set(this.unsent.length);
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
