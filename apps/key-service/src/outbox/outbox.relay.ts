import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Model } from 'mongoose';
import { AccessEvent, TOPICS } from '@sp/contracts';
import { KafkaPublisher } from '@sp/platform';
import type { KeyServiceEnv } from '../config/env.schema';
import { AuditLogRepository } from '../usage/audit-log.repository';

export const OUTBOX_MODELS = Symbol('OUTBOX_MODELS');

interface PendingDoc {
  _id: string;
  version: number;
  outbox: string[];
}

/**
 * Publishes the outboxes of all aggregates: reads documents with pending events, publishes their
 * events in causal order (by time, then version; keyed by orgId so one org's events share a
 * partition), records them in the audit log, and only then pulls them from the documents.
 * A crash anywhere in between re-publishes on the next run: consumers ignore versions they have
 * already applied, so every change takes effect exactly once.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly pollMs: number;
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  published = 0;
  lastError: string | null = null;

  constructor(
    @Inject(OUTBOX_MODELS) private readonly models: Model<PendingDoc>[],
    private readonly publisher: KafkaPublisher,
    private readonly audit: AuditLogRepository,
    config: ConfigService<KeyServiceEnv & { OUTBOX_RELAY_ENABLED?: string }, true>,
  ) {
    this.pollMs = config.get('OUTBOX_POLL_MS', { infer: true });
    this.enabled = process.env.OUTBOX_RELAY_ENABLED !== 'false';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      this.logger.warn('outbox relay disabled (OUTBOX_RELAY_ENABLED=false): events stay in the outbox');
      return;
    }
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.running, this.fastLane]);
  }

  private fastLane: Promise<void> = Promise.resolve();
  /** Documents whose event the fast path is publishing: the regular run leaves them alone meanwhile. */
  private readonly inFlight = new Set<string>();
  private deferred = false;
  /**
   * Events this process is publishing or published lately, by either path (id -> state, since).
   * A run reads documents before it publishes; the fast path may publish and pull an event in
   * between, or the other way round: neither publishes an event the other has taken, and a run
   * pulls from a document only what is published.
   */
  private readonly taken = new Map<string, { state: 'publishing' | 'published'; at: number }>();

  /** Marks the events not yet taken as publishing and returns them; forgets entries after a minute. */
  private take<T extends { event: AccessEvent }>(events: T[]): T[] {
    const now = Date.now();
    for (const [id, { at }] of this.taken) {
      if (now - at < 60_000) break; // insertion order: the rest are newer
      this.taken.delete(id);
    }
    const fresh = events.filter((e) => !this.taken.has(e.event.id));
    for (const e of fresh) this.taken.set(e.event.id, { state: 'publishing', at: now });
    return fresh;
  }

  private settle(events: { event: AccessEvent }[], published: boolean): void {
    for (const { event } of events) {
      if (published) this.taken.set(event.id, { state: 'published', at: this.taken.get(event.id)?.at ?? Date.now() });
      else this.taken.delete(event.id);
    }
  }

  /**
   * Fast path for a change whose event is its aggregate's only pending one: publish it at once
   * (in call order), then take it out of the outbox. Any failure leaves it to the regular run;
   * a run that publishes it too only makes a duplicate, which consumers ignore.
   */
  publishNow(model: Model<PendingDoc>, id: string, version: number, raw: string): void {
    if (!this.enabled || this.stopped) return;
    const slot = `${model.collection.collectionName}/${id}`;
    this.inFlight.add(slot);
    this.fastLane = this.fastLane.then(async () => {
      try {
        const event = JSON.parse(raw) as AccessEvent;
        if (this.take([{ event }]).length === 0) return; // the regular run has it
        try {
          await this.publisher.publish(TOPICS.accessEvents, [
            { key: event.orgId, value: raw, headers: { 'event-id': event.id, 'event-type': event.type } },
          ]);
        } catch (err) {
          this.settle([{ event }], false);
          throw err;
        }
        this.settle([{ event }], true);
        this.published++;
        await this.audit.recordLifecycle([event]);
        const done = await model.collection.updateOne(
          { _id: id, version } as never,
          { $pullAll: { outbox: [raw] }, $set: { outboxPending: false } } as never,
        );
        if (done.matchedCount === 0) await model.collection.updateOne({ _id: id } as never, { $pullAll: { outbox: [raw] } } as never);
      } catch (err) {
        this.logger.warn(`fast publish failed, the relay will retry: ${(err as Error).message}`);
        this.kick();
      } finally {
        this.inFlight.delete(slot);
        // A change written behind this one waited for it: publish it now.
        if (this.deferred) {
          this.deferred = false;
          this.kick();
        }
      }
    });
  }

  /** A change was just written: publish it now rather than at the next poll. */
  kick(): void {
    if (!this.enabled || this.stopped) return;
    if (this.inFlight.size > 0) this.deferred = true;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), ms);
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    let more = false;
    this.running = (async () => {
      try {
        more = (await this.runOnce()) > 0;
        this.lastError = null;
      } catch (err) {
        this.lastError = (err as Error).message;
        this.logger.warn(`outbox relay run failed, will retry: ${this.lastError}`);
      }
    })();
    await this.running;
    this.running = null;
    const next = this.again || more ? 0 : this.lastError ? Math.max(this.pollMs, 1000) : this.pollMs;
    this.again = false;
    this.schedule(next);
  }

  /** One pass: returns how many events it published. */
  async runOnce(): Promise<number> {
    const pending: { model: Model<PendingDoc>; doc: PendingDoc }[] = [];
    for (const model of this.models) {
      const docs = await model.find({ outboxPending: true }, { _id: 1, version: 1, outbox: 1 }).limit(200).lean<PendingDoc[]>().exec();
      for (const doc of docs) {
        if (!this.inFlight.has(`${model.collection.collectionName}/${doc._id}`)) pending.push({ model, doc });
      }
    }
    if (pending.length === 0) return 0;

    const events = this.take(
      pending
        .flatMap(({ doc }) => doc.outbox.map((raw) => ({ raw, event: JSON.parse(raw) as AccessEvent })))
        .sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt) || a.event.aggregateVersion - b.event.aggregateVersion),
    );

    if (events.length > 0) {
      try {
        await this.publisher.publish(
          TOPICS.accessEvents,
          events.map(({ raw, event }) => ({
            key: event.orgId,
            value: raw,
            headers: { 'event-id': event.id, 'event-type': event.type },
          })),
        );
      } catch (err) {
        this.settle(events, false);
        throw err;
      }
      this.settle(events, true);
      await this.audit.recordLifecycle(events.map((e) => e.event));
    }

    for (const { model, doc } of pending) {
      // Only what is published leaves the outbox (not what the fast path is still publishing).
      const published = doc.outbox.filter((raw) => this.taken.get((JSON.parse(raw) as AccessEvent).id)?.state === 'published');
      if (published.length === 0) continue;
      const done =
        published.length === doc.outbox.length
          ? await model.collection.updateOne(
              { _id: doc._id, version: doc.version } as never,
              { $pullAll: { outbox: published }, $set: { outboxPending: false } } as never,
            )
          : { matchedCount: 0 };
      if (done.matchedCount === 0) {
        // written again meanwhile, or events still in flight: remove what is published, keep it pending
        await model.collection.updateOne({ _id: doc._id } as never, { $pullAll: { outbox: published } } as never);
      }
    }
    this.published += events.length;
    return events.length;
  }
}
