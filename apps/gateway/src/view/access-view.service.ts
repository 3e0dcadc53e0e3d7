import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { accessEventSchema, EVENT_SIGNATURE_HEADER, TOPICS, type AccessEvent, type ConsistencyToken } from '@sp/contracts';
import { AccessView, ViewSnapshotReader } from '@sp/permissions';
import { backoffMs, BatchConsumer, EventSigner, KafkaPublisher, kafkaConnection } from '@sp/platform';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics } from '../metrics/gateway.metrics';

interface Waiter {
  token: ConsistencyToken;
  resolve: (fresh: boolean) => void;
  timer: NodeJS.Timeout;
}

/** Where the view stands, for readiness and the 503 of a request that cannot be decided. */
export type ViewState = 'loading' | 'catching_up' | 'stale' | 'fresh';

/**
 * The gateway's in-process copy of the access view. At start it loads the permissions-service's
 * snapshot (the view and the access-topic offsets it reflects), then follows the topic from those
 * offsets (its own consumer group per process), applying every signed event with the same reducers
 * as the permissions-service; so a start costs the current state, not the topic's history, and
 * works after Kafka's retention deleted old segments. Requests read it with no I/O. A revocation is
 * enforced as soon as its event is applied; the view only moves forward, so no grant is ever
 * re-read from an older state. It is fresh while its consumer fetched from the broker within
 * VIEW_MAX_STALENESS_MS (heartbeats, not event arrival).
 */
@Injectable()
export class AccessViewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccessViewService.name);
  readonly view = new AccessView();
  readonly consumer: BatchConsumer<AccessEvent>;
  private waiters: Waiter[] = [];
  private snapshotOffsets: ReadonlyMap<number, bigint> | null = null;
  private loaded = false;
  private stopped = false;
  private readonly maxStalenessMs: number;

  constructor(private readonly config: ConfigService<GatewayEnv, true>, publisher: KafkaPublisher, signer: EventSigner, private readonly metrics: GatewayMetrics) {
    this.maxStalenessMs = config.get('VIEW_MAX_STALENESS_MS', { infer: true });
    this.consumer = new BatchConsumer<AccessEvent>({
      brokers: kafkaConnection(config),
      clientId: 'gateway',
      groupId: `gateway-view.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`,
      topic: TOPICS.accessEvents,
      // The permissions-service dead-letters what cannot be applied; every gateway doing it too
      // would repeat each invalid message once per gateway start.
      deadLetterTopic: null,
      fromBeginning: true,
      schema: accessEventSchema,
      verify: (value, headers) => signer.verify(value, headers?.[EVENT_SIGNATURE_HEADER]),
      publisher,
      handle: async (messages) => this.applyAll(messages.map((m) => m.value)),
      startOffsets: async () => this.snapshotOffsets,
      privateGroup: true,
    });
  }

  get state(): ViewState {
    if (!this.loaded) return 'loading';
    if (!this.consumer.isCaughtUp) return 'catching_up';
    return Date.now() - this.consumer.lastFetchAt > this.maxStalenessMs ? 'stale' : 'fresh';
  }

  get ready(): boolean {
    return this.state === 'fresh';
  }

  /** Milliseconds since the consumer last heard from the broker (Infinity before it first did). */
  get stalenessMs(): number {
    const at = this.consumer.lastFetchAt;
    return at === 0 ? Infinity : Date.now() - at;
  }

  /** Not awaited by the bootstrap: the ports listen (not ready) while the view loads. */
  onApplicationBootstrap(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    const deadline = Date.now() + this.config.get('VIEW_SNAPSHOT_TIMEOUT_MS', { infer: true });
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        this.snapshotOffsets = await this.loadSnapshot();
        break;
      } catch (err) {
        if (Date.now() >= deadline) {
          this.logger.warn(`no view snapshot (${(err as Error).message}); replaying the access topic from its start, complete only while it holds the whole history`);
          break;
        }
        const wait = backoffMs(attempt, 250, 2_000);
        this.logger.warn(`view snapshot not loaded (${(err as Error).message}), retrying in ${wait} ms`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    if (this.stopped) return;
    this.loaded = true;
    this.consumer.startInBackground();
  }

  /** Streams the permissions-service's snapshot into the view; returns the offsets it reflects. */
  private async loadSnapshot(): Promise<ReadonlyMap<number, bigint>> {
    const started = Date.now();
    const res = await fetch(`${this.config.get('PERMISSIONS_URL', { infer: true })}/internal/v1/view/snapshot`, {
      headers: { authorization: `Bearer ${this.config.get('INTERNAL_TOKEN', { infer: true })}` },
    });
    if (res.status !== 200 || res.body === null) throw new Error(`snapshot answered ${res.status}`);
    let offsets: ReadonlyMap<number, bigint> | null = null;
    let records = 0;
    let rest = '';
    const decoder = new TextDecoder();
    const reader = new ViewSnapshotReader();
    // Each chunk's whole lines at once (one JSON.parse per chunk); its partial last line waits for the next.
    const take = (text: string) => {
      for (const parsed of reader.lines(text)) {
        if ('offsets' in parsed) offsets = parsed.offsets;
        else {
          this.view.restore(parsed.kind, parsed.record);
          records++;
        }
      }
    };
    for await (const chunk of res.body) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf('\n') + 1;
      rest = text.slice(end);
      take(text.slice(0, end));
    }
    take(rest + decoder.decode());
    if (offsets === null) throw new Error('snapshot without offsets');
    this.logger.log(`view snapshot loaded: ${records} records in ${Date.now() - started} ms`);
    return offsets;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
    await this.consumer.stop();
  }

  private applyAll(events: AccessEvent[]): void {
    const now = Date.now();
    for (const event of events) {
      let changed: boolean;
      try {
        changed = this.view.apply(event);
      } catch (err) {
        // Schema-valid but inconsistent (aggregateId/payload mismatch): the permissions-service
        // dead-letters it; here it must not stop the view.
        this.logger.warn(`ignored inconsistent event ${event.id}: ${(err as Error).message}`);
        continue;
      }
      if (changed && event.type === 'KeyRevoked') {
        this.metrics.revocationPropagation.observe(Math.max(0, now - Date.parse(event.occurredAt)) / 1000);
      }
    }
    if (events.length > 0) this.metrics.viewEventAge.set(Math.max(0, now - Date.parse(events[events.length - 1].occurredAt)) / 1000);
    this.metrics.viewStartLag.set(this.consumer.startLag());
    if (this.waiters.length > 0) this.releaseWaiters();
  }

  /** True when the view has applied the change the token names. */
  isFresh(token: ConsistencyToken): boolean {
    return this.view.aggregateVersion(token.aggregateId) >= token.aggregateVersion;
  }

  /** Resolves true as soon as the view is at least as fresh as the token, false after `timeoutMs`. */
  waitFor(token: ConsistencyToken, timeoutMs: number): Promise<boolean> {
    if (this.isFresh(token)) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        token,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private releaseWaiters(): void {
    const pending: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.isFresh(w.token)) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else pending.push(w);
    }
    this.waiters = pending;
  }
}
