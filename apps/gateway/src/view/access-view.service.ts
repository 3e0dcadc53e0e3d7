import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { accessEventSchema, TOPICS, type AccessEvent, type ConsistencyToken } from '@sp/contracts';
import { AccessView } from '@sp/permissions';
import { BatchConsumer, KafkaPublisher } from '@sp/platform';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics } from '../metrics/gateway.metrics';

interface Waiter {
  token: ConsistencyToken;
  resolve: (fresh: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * The gateway's in-process copy of the access view: it follows the access topic from the beginning
 * (its own consumer group per process) and applies every event with the same reducers as the
 * permissions-service. Requests read it with no I/O. A revocation is enforced as soon as its event
 * is applied; the view only moves forward, so no grant is ever re-read from an older state.
 */
@Injectable()
export class AccessViewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccessViewService.name);
  readonly view = new AccessView();
  readonly consumer: BatchConsumer<AccessEvent>;
  private waiters: Waiter[] = [];

  constructor(config: ConfigService<GatewayEnv, true>, publisher: KafkaPublisher, private readonly metrics: GatewayMetrics) {
    this.consumer = new BatchConsumer<AccessEvent>({
      brokers: config.get('KAFKA_BROKERS', { infer: true }),
      clientId: 'gateway',
      groupId: `gateway-view.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`,
      topic: TOPICS.accessEvents,
      deadLetterTopic: TOPICS.accessEventsDeadLetter,
      fromBeginning: true,
      schema: accessEventSchema,
      publisher,
      handle: async (messages) => this.applyAll(messages.map((m) => m.value)),
    });
  }

  get ready(): boolean {
    return this.consumer.isCaughtUp;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
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
