import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { RATE_LIMIT_STORE, type RateLimitStore, type SyncItem } from './rate-limit.store';
import { newCounter, roll, waitMs, type Mode, type WindowCounter } from './window-counter';

/** Seconds to wait, or 0 when the request may go on. */
export type RetryAfter = number;

/** Most failed-authentication counters kept; beyond it the least recently used is dropped (it restarts at 0). */
const MAX_FAILURE_COUNTERS = 100_000;

/** How often counters of windows that are over (which count for nothing) are dropped. */
const SWEEP_MS = 10_000;

/** A store that has never answered is not reported unreachable during this long after start (it is connecting). */
const STARTUP_GRACE_MS = 2_000;

/** What Map and LRUCache have in common: per-key and per-org counters in a Map, failures' in an LRU. */
interface Counters {
  readonly size: number;
  get(id: string): WindowCounter | undefined;
  set(id: string, c: WindowCounter): unknown;
  delete(id: string): boolean;
  keys(): IterableIterator<string> | Generator<string>;
}

interface Limit {
  kind: 'key' | 'org' | 'failure';
  limit: number;
  windowMs: number;
  counters: Counters;
  /** Ids counted or refused since they last synced in full: what the next sync sends and reads back. */
  active: Set<string>;
}

/** What /health/ready and the metrics say about the limits. */
export interface RateLimitsState {
  /** `redis` (cluster-wide) or `process` (REDIS_URL unset: each gateway its own limits). */
  store: 'redis' | 'process';
  connected: boolean;
  /** Gateways sharing the limits, as last read from the store (1 without one). */
  instances: number;
  /** `cluster`, `share` (store unreachable: limit / instances each) or `local`. */
  mode: Mode['kind'];
}

/**
 * The gateway's rate limits: per key and per org (charged to both or neither), and failed
 * authentications per client address, each in sliding windows (window-counter.ts). Decisions are
 * synchronous and local: the request path never waits on the network.
 *
 * With a shared store (REDIS_URL) the limits are cluster-wide in the way of Kong's `sync_rate`:
 * every RATE_LIMIT_SYNC_MS the gateway adds what it admitted to the store's window counters and
 * reads back every gateway's counts, with its heartbeat (the instance count) in the same round
 * trip. Between syncs it admits at most its share of what was left, so N gateways together stay
 * within the limit plus what one sync interval lets slip. While the store is unreachable it admits
 * limit / instances (the instance count it last read; at least 1) on its own counts, says so in a
 * log line, the metrics and /health/ready (still ready), keeps counting, and adds those counts to
 * the store when it answers again. Without REDIS_URL each gateway has the whole limit to itself.
 *
 * Counters exist only for keys the permission engine allowed (as many as the view has), or for
 * addresses that failed (an LRU bounded to MAX_FAILURE_COUNTERS); counters of windows that are over
 * count for nothing and are swept every SWEEP_MS.
 */
@Injectable()
export class RateLimitsService implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitsService.name);
  private readonly perKey: Limit;
  private readonly perOrg: Limit;
  private readonly failures: Limit;
  private readonly limits: Limit[];
  private readonly timers: NodeJS.Timeout[] = [];
  readonly instanceId = `${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`;
  private readonly syncMs: number;
  private readonly heartbeatTtlMs: number;
  private readonly startedAt = Date.now();
  private mode: Mode;
  private instances = 1;
  private connected = false;
  private everConnected = false;
  private reportedDown = false;
  private syncing: Promise<void> | null = null;
  private closed = false;

  constructor(
    config: ConfigService<GatewayEnv, true>,
    private readonly metrics: GatewayMetrics,
    @Optional() @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore | null = null,
  ) {
    const limit = (kind: Limit['kind'], value: number, windowMs: number, bounded = false): Limit => ({
      kind,
      limit: value,
      windowMs,
      counters: bounded ? new LRUCache<string, WindowCounter>({ max: MAX_FAILURE_COUNTERS }) : new Map(),
      active: new Set(),
    });
    this.perKey = limit('key', config.get('RATE_LIMIT_KEY_PER_SECOND', { infer: true }), 1_000);
    this.perOrg = limit('org', config.get('RATE_LIMIT_ORG_PER_SECOND', { infer: true }), 1_000);
    this.failures = limit('failure', config.get('AUTH_FAILURES_PER_MINUTE', { infer: true }), 60_000, true);
    this.limits = [this.perKey, this.perOrg, this.failures];
    this.syncMs = config.get('RATE_LIMIT_SYNC_MS', { infer: true }) ?? 100;
    // Ten syncs missed (a gateway SIGKILLed, or stuck) and it no longer counts as an instance.
    this.heartbeatTtlMs = Math.max(1_000, 10 * this.syncMs);
    this.mode = this.store ? { kind: 'share', instances: 1 } : { kind: 'local' };
    this.metrics.rateLimitStoreUp.set(0);
    this.metrics.rateLimitInstances.set(1);
    this.every(SWEEP_MS, () => this.sweep());
    if (this.store) {
      this.every(this.syncMs, () => void this.sync());
      void this.sync();
    }
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  /** Hands what this gateway counted to the store and leaves the instance set. */
  async onApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    if (!this.store || this.closed) return;
    this.closed = true;
    await this.syncing;
    if (this.connected) await this.syncNow().catch(() => undefined);
    await this.store.close(this.instanceId).catch(() => undefined);
  }

  get state(): RateLimitsState {
    return { store: this.store ? 'redis' : 'process', connected: this.connected, instances: this.instances, mode: this.mode.kind };
  }

  /**
   * Drops the counters older than the previous window: they count for nothing (not even unsynced
   * counts, which only the current and the previous window's keys in the store would take).
   */
  sweep(now = Date.now()): void {
    for (const l of this.limits) {
      const current = Math.floor(now / l.windowMs);
      for (const id of [...l.counters.keys()]) {
        if ((l.counters.get(id) as WindowCounter).window < current - 1) l.counters.delete(id);
      }
    }
  }

  /** Counters held per kind (the unit tests read it). */
  get size(): { keys: number; orgs: number; failures: number } {
    return { keys: this.perKey.counters.size, orgs: this.perOrg.counters.size, failures: this.failures.counters.size };
  }

  /** Charges one request to the key's and the org's limits, or to neither and says how long to wait. */
  take(keyId: string, orgId: string): RetryAfter {
    const now = Date.now();
    const key = this.counter(this.perKey, keyId, now);
    const keyWait = waitMs(key, this.perKey.limit, 1_000, this.mode, now);
    if (keyWait > 0) return seconds(keyWait);
    const org = this.counter(this.perOrg, orgId, now);
    const orgWait = waitMs(org, this.perOrg.limit, 1_000, this.mode, now);
    if (orgWait > 0) return seconds(orgWait);
    key.count++;
    org.count++;
    return 0;
  }

  /** 0 if this address may still try to authenticate, else the seconds until it may. */
  authBlocked(address: string): RetryAfter {
    if (this.failures.counters.size === 0) return 0; // the common case: no failure recently, no lookup
    const c = this.failures.counters.get(address);
    if (c === undefined) return 0;
    const now = Date.now();
    roll(c, Math.floor(now / this.failures.windowMs));
    const wait = waitMs(c, this.failures.limit, this.failures.windowMs, this.mode, now);
    return wait > 0 ? seconds(wait) : 0;
  }

  /** Counts one failed authentication from this address (none past the limit: a blocked address is refused before). */
  authFailed(address: string): void {
    const now = Date.now();
    const c = this.counter(this.failures, address, now);
    // Counted up to the limit as the whole cluster's counts stand (no share: counting a failure admits nothing).
    const mode: Mode = this.mode.kind === 'cluster' ? { kind: 'cluster', instances: 1 } : this.mode;
    if (waitMs(c, this.failures.limit, this.failures.windowMs, mode, now) === 0) c.count++;
  }

  /** The id's counter, rolled to now's window, and marked for the next sync. */
  private counter(l: Limit, id: string, now: number): WindowCounter {
    const window = Math.floor(now / l.windowMs);
    let c = l.counters.get(id);
    if (c === undefined) {
      c = newCounter(window);
      l.counters.set(id, c);
    } else {
      roll(c, window);
    }
    if (this.store) l.active.add(id);
    return c;
  }

  /** One sync unless one is under way (the unit tests call it; a timer does every RATE_LIMIT_SYNC_MS). */
  sync(): Promise<void> {
    if (!this.store || this.closed) return Promise.resolve();
    this.syncing ??= this.syncNow().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    const store = this.store as RateLimitStore;
    if (!this.connected) {
      // Not connected: a heartbeat alone until the store answers. Additions sent to a stalled store
      // would all apply once it resumes, each as often as it was retried.
      try {
        this.up(Math.max(1, (await store.sync(this.instanceId, this.heartbeatTtlMs, [])).instances));
      } catch (err) {
        this.down((err as Error).message);
      }
      return;
    }
    const now = Date.now();
    const sent: { l: Limit; id: string; c: WindowCounter; window: number; count: number; prevCount: number }[] = [];
    const items: SyncItem[] = [];
    for (const l of this.limits) {
      const current = Math.floor(now / l.windowMs);
      for (const id of l.active) {
        const c = l.counters.get(id);
        if (c === undefined) {
          l.active.delete(id);
          continue;
        }
        roll(c, current);
        // Nothing admitted here for a whole window: refreshed once more, then only when met again.
        if (c.count === 0 && c.prevCount === 0) l.active.delete(id);
        sent.push({ l, id, c, window: c.window, count: c.count, prevCount: c.prevCount });
        items.push({ kind: l.kind, id, window: c.window, windowMs: l.windowMs, addCurrent: c.count - c.synced, addPrevious: c.prevCount - c.prevSynced });
      }
    }
    const started = performance.now();
    try {
      const result = await store.sync(this.instanceId, this.heartbeatTtlMs, items);
      this.metrics.rateLimitSyncSeconds.observe((performance.now() - started) / 1000);
      sent.forEach((s, i) => {
        const [current, previous] = result.counts[i];
        // The counter may have rolled on (or been swept: then this updates a counter no one holds).
        if (s.c.window === s.window) {
          s.c.synced = s.count;
          s.c.global = current;
          s.c.prevSynced = s.prevCount;
          s.c.prevGlobal = previous;
        } else if (s.c.window === s.window + 1) {
          s.c.prevSynced = s.count;
          s.c.prevGlobal = current;
        }
      });
      this.up(Math.max(1, result.instances));
    } catch (err) {
      // The additions of a sync that timed out may still land once the store answers: then they
      // count twice (stricter for up to two windows), never not at all.
      this.down((err as Error).message);
    }
  }

  private up(instances: number): void {
    this.instances = instances;
    this.mode = { kind: 'cluster', instances };
    this.metrics.rateLimitInstances.set(instances);
    if (!this.connected) {
      this.connected = true;
      this.everConnected = true;
      this.metrics.rateLimitStoreUp.set(1);
      // At the outage's level, so that a log filtered to warnings shows both ends of it.
      if (this.reportedDown) this.logger.warn(`rate-limit store reachable again: limits are cluster-wide (${instances} gateway${instances === 1 ? '' : 's'})`);
      else this.logger.log(`rate-limit store connected: limits are cluster-wide (${instances} gateway${instances === 1 ? '' : 's'})`);
      this.reportedDown = false;
    }
  }

  private down(reason: string): void {
    this.mode = { kind: 'share', instances: this.instances };
    const wasConnected = this.connected;
    this.connected = false;
    this.metrics.rateLimitStoreUp.set(0);
    this.metrics.rateLimitSyncFailures.inc();
    if (this.reportedDown) return;
    if (!wasConnected && !this.everConnected && Date.now() - this.startedAt < STARTUP_GRACE_MS) return; // still connecting
    this.reportedDown = true;
    this.logger.warn(
      `rate-limit store unreachable (${reason}): each limit falls back to this gateway's share, limit / ${this.instances} ` +
        `(the gateways last seen), until it answers again`,
    );
  }
}

function seconds(waitMs: number): RetryAfter {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
