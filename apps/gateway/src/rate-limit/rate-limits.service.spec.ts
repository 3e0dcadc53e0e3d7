import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import fc from 'fast-check';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import type { RateLimitStore, SyncItem, SyncResult } from './rate-limit.store';
import { RateLimitsService } from './rate-limits.service';

/** An in-memory stand-in for Redis: window counters and heartbeats; `down` makes every call fail. */
class FakeStore implements RateLimitStore {
  readonly counts = new Map<string, number>();
  readonly heartbeats = new Map<string, number>();
  down = false;
  syncs = 0;
  async sync(instanceId: string, ttlMs: number, items: readonly SyncItem[]): Promise<SyncResult> {
    if (this.down) throw new Error('connection refused');
    this.syncs++;
    const now = Date.now();
    this.heartbeats.set(instanceId, now);
    for (const [id, at] of this.heartbeats) if (at < now - ttlMs) this.heartbeats.delete(id);
    const counts = items.map((item): [number, number] => {
      const key = (w: number) => `${item.kind}:${w}:${item.id}`;
      const add = (w: number, n: number) => this.counts.set(key(w), (this.counts.get(key(w)) ?? 0) + n).get(key(w)) as number;
      return [add(item.window, item.addCurrent), add(item.window - 1, item.addPrevious)];
    });
    return { instances: this.heartbeats.size, counts };
  }
  async close(instanceId: string): Promise<void> {
    this.heartbeats.delete(instanceId);
  }
}

function limits(perKey: number, perOrg: number, failuresPerMinute = 3, store: RateLimitStore | null = null, metrics = new GatewayMetrics()): RateLimitsService {
  const values: Partial<GatewayEnv> = { RATE_LIMIT_KEY_PER_SECOND: perKey, RATE_LIMIT_ORG_PER_SECOND: perOrg, AUTH_FAILURES_PER_MINUTE: failuresPerMinute, RATE_LIMIT_SYNC_MS: 100 };
  return new RateLimitsService({ get: (name: keyof GatewayEnv) => values[name] } as unknown as ConfigService<GatewayEnv, true>, metrics, store);
}

function takeN(service: RateLimitsService, n: number, keyId: string, orgId = 'o1'): number[] {
  return Array.from({ length: n }, () => service.take(keyId, orgId));
}

/** Two rounds, so that each gateway has seen every heartbeat. */
async function syncAll(...services: RateLimitsService[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const s of services) await s.sync();
}

const admitted = (answers: number[]) => answers.filter((r) => r === 0).length;
const START = Date.parse('2026-01-01T00:00:00Z'); // on a window boundary (of seconds and of minutes)

describe('RateLimitsService', () => {
  beforeEach(() => jest.useFakeTimers({ now: START }));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  describe('without a store (REDIS_URL unset): each gateway has the whole limit', () => {
    it('lets a key burst up to its limit, then says to retry after at least a second', () => {
      const service = limits(3, 100);
      expect(takeN(service, 3, 'k1')).toEqual([0, 0, 0]);
      // In the next window, once a third of this one's 3 has slid out: 1.33 s.
      expect(service.take('k1', 'o1')).toBe(2);
    });

    it('gives the budget back as the previous window slides out', () => {
      const service = limits(4, 100);
      takeN(service, 4, 'k1');
      jest.advanceTimersByTime(500); // same window: nothing back yet
      expect(service.take('k1', 'o1')).toBeGreaterThan(0);
      jest.advanceTimersByTime(750); // next window, a quarter in: 3 of the 4 still count
      expect(takeN(service, 2, 'k1')).toEqual([0, 1]);
      jest.advanceTimersByTime(1000);
      expect(admitted(takeN(service, 5, 'k1'))).toBe(3); // a quarter of the 1 still counts: 0.25 + 3 <= 4
    });

    it('admits about the limit per second under sustained load', () => {
      const service = limits(50, 1000);
      let total = 0;
      for (let ms = 0; ms < 10_000; ms += 10) {
        total += admitted(takeN(service, 5, 'k1'));
        jest.advanceTimersByTime(10);
      }
      expect(total).toBeGreaterThanOrEqual(450);
      expect(total).toBeLessThanOrEqual(550); // 10 s of 50/s, plus the first burst
    });

    it('keeps keys apart but charges their org: the org budget is shared', () => {
      const service = limits(2, 3);
      expect(takeN(service, 2, 'k1')).toEqual([0, 0]);
      expect(takeN(service, 2, 'k2')).toEqual([0, 2]);
      expect(takeN(service, 3, 'k3', 'o2')).toEqual([0, 0, 2]);
    });

    it('charges neither limit for a refused request', () => {
      const service = limits(2, 3);
      takeN(service, 2, 'k1');
      // k1 is over its limit: these refusals must not use the org's last request.
      expect(takeN(service, 5, 'k1').every((r) => r > 0)).toBe(true);
      expect(service.take('k2', 'o1')).toBe(0);
      // and a refusal by the org must not use the key's.
      const fresh = limits(5, 1);
      expect(fresh.take('a', 'o1')).toBe(0);
      expect(fresh.take('b', 'o1')).toBe(2); // the org's 1 must slide out of the next window whole
      jest.advanceTimersByTime(2000);
      expect(fresh.take('b', 'o1')).toBe(0);
    });

    it('drops counters once their windows are over, which changes no answer', () => {
      const service = limits(2, 5);
      takeN(service, 2, 'k1');
      expect(service.size).toMatchObject({ keys: 1, orgs: 1 });
      jest.advanceTimersByTime(1500);
      service.sweep(); // the previous window still counts: kept
      expect(service.size).toMatchObject({ keys: 1, orgs: 1 });
      expect(takeN(service, 2, 'k1')).toEqual([0, 1]); // half of the 2 still counts
      jest.advanceTimersByTime(2000);
      service.sweep();
      expect(service.size).toMatchObject({ keys: 0, orgs: 0 });
      expect(takeN(service, 3, 'k1')).toEqual([0, 0, 1]); // a new counter holds the burst, no more
    });

    it('sweeps on its own every 10 s, until the module is destroyed', () => {
      const service = limits(2, 5);
      service.take('k1', 'o1');
      jest.advanceTimersByTime(10_000);
      expect(service.size).toMatchObject({ keys: 0, orgs: 0 });
      service.onModuleDestroy();
      service.take('k1', 'o1');
      jest.advanceTimersByTime(20_000);
      expect(service.size).toMatchObject({ keys: 1, orgs: 1 });
    });

    it('blocks an address after its limit of failed authentications, until enough of its minute has slid out', () => {
      const service = limits(10, 10, 3);
      expect(service.authBlocked('10.0.0.1')).toBe(0);
      service.authFailed('10.0.0.1');
      service.authFailed('10.0.0.1');
      expect(service.authBlocked('10.0.0.1')).toBe(0);
      service.authFailed('10.0.0.1');
      const wait = service.authBlocked('10.0.0.1');
      // Next minute, once a third of this one's 3 has slid out: 80 s.
      expect(wait).toBe(80);
      expect(service.authBlocked('10.0.0.2')).toBe(0);
      jest.advanceTimersByTime(79_000);
      expect(service.authBlocked('10.0.0.1')).toBeGreaterThan(0);
      jest.advanceTimersByTime(1_000);
      expect(service.authBlocked('10.0.0.1')).toBe(0);
    });

    it('says it is process-local', () => {
      expect(limits(1, 1).state).toEqual({ store: 'process', connected: false, instances: 1, mode: 'local' });
    });
  });

  describe('with a shared store: cluster-wide', () => {
    it('counts what another gateway admitted from the next sync on', async () => {
      const store = new FakeStore();
      const [a, b] = [limits(10, 100, 3, store), limits(10, 100, 3, store)];
      await syncAll(a, b);
      expect(a.state).toEqual({ store: 'redis', connected: true, instances: 2, mode: 'cluster' });
      // Between syncs each admits its share of what is left: half of 10.
      expect(admitted(takeN(a, 10, 'k1'))).toBe(5);
      await a.sync();
      await b.sync();
      // b had not met k1 before its sync, so it knows nothing of a's 5: its share of 10.
      expect(admitted(takeN(b, 10, 'k1'))).toBe(5);
      await b.sync();
      await a.sync();
      expect(store.counts.get(`key:${Math.floor(START / 1000)}:k1`)).toBe(10);
      expect(admitted(takeN(a, 10, 'k1'))).toBe(0);
      // Now both know k1: half a second into the next window, half of the 10 has slid out; each
      // takes half of the 5 left, then half of what is left after a sync, ...
      jest.setSystemTime(START + 1_500);
      await syncAll(a, b);
      expect(admitted(takeN(a, 10, 'k1'))).toBe(2);
      await a.sync();
      await b.sync();
      expect(admitted(takeN(b, 10, 'k1'))).toBe(1);
      expect(store.counts.get(`key:${Math.floor(START / 1000) + 1}:k1`)).toBe(2);
      for (let i = 0; i < 5; i++) {
        await a.sync();
        await b.sync();
        takeN(a, 10, 'k1');
        takeN(b, 10, 'k1');
      }
      await syncAll(a, b);
      // 5 of the last window's 10 still count: at most 5 more, and nearly all of them taken.
      expect(store.counts.get(`key:${Math.floor(START / 1000) + 1}:k1`)).toBeLessThanOrEqual(5);
      expect(store.counts.get(`key:${Math.floor(START / 1000) + 1}:k1`)).toBeGreaterThanOrEqual(3);
      a.onModuleDestroy();
      b.onModuleDestroy();
    });

    it('alone in the cluster, a gateway has the whole limit at once', async () => {
      const store = new FakeStore();
      const a = limits(10, 100, 3, store);
      await a.sync();
      expect(admitted(takeN(a, 12, 'k1'))).toBe(10);
    });

    it('charges failed authentications cluster-wide', async () => {
      const store = new FakeStore();
      const [a, b] = [limits(100, 100, 4, store), limits(100, 100, 4, store)];
      await syncAll(a, b);
      a.authFailed('10.0.0.9');
      a.authFailed('10.0.0.9');
      await a.sync();
      b.authFailed('10.0.0.9');
      await b.sync();
      b.authFailed('10.0.0.9');
      await b.sync();
      await a.sync();
      a.authFailed('10.0.0.9'); // the 5th: not counted, the address is over its limit
      expect(a.authBlocked('10.0.0.9')).toBeGreaterThan(0);
      expect(b.authBlocked('10.0.0.9')).toBeGreaterThan(0);
      expect(store.counts.get(`failure:${Math.floor(START / 60_000)}:10.0.0.9`)).toBe(4);
    });

    it('falls back to its share when the store is unreachable, says so once, and recovers with its counts', async () => {
      const store = new FakeStore();
      const metrics = new GatewayMetrics();
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      const a = limits(10, 100, 3, store, metrics);
      const b = limits(10, 100, 3, store);
      await syncAll(a, b);
      expect(await metrics.registry.getSingleMetricAsString('gateway_rate_limit_store_up')).toMatch(/ 1$/m);
      jest.advanceTimersByTime(2_000); // past the start's grace (both keep their heartbeats on their timers)
      store.down = true;
      await a.sync();
      await a.sync();
      expect(a.state).toEqual({ store: 'redis', connected: false, instances: 2, mode: 'share' });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/rate-limit store unreachable \(connection refused\).*limit \/ 2/);
      expect(await metrics.registry.getSingleMetricAsString('gateway_rate_limit_store_up')).toMatch(/ 0$/m);
      // Its share, 10 / 2, on its own counts.
      expect(admitted(takeN(a, 10, 'k1'))).toBe(5);
      store.down = false;
      await a.sync(); // a heartbeat first: additions only to a store that answers
      expect(a.state.mode).toBe('cluster');
      expect(store.counts.get(`key:${Math.floor(Date.now() / 1000)}:k1`)).toBeUndefined();
      await a.sync();
      expect(warn.mock.calls.at(-1)?.[0]).toMatch(/reachable again/);
      expect(log).not.toHaveBeenCalledWith(expect.stringMatching(/reachable again/));
      expect(store.counts.get(`key:${Math.floor(Date.now() / 1000)}:k1`)).toBe(5); // what it admitted meanwhile
      a.onModuleDestroy();
      b.onModuleDestroy();
    });

    it('a store that never answered: the whole limit (no instance count known), reported after the start grace', async () => {
      const store = new FakeStore();
      store.down = true;
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const a = limits(10, 100, 3, store);
      await a.sync();
      expect(warn).not.toHaveBeenCalled(); // still connecting
      expect(admitted(takeN(a, 12, 'k1'))).toBe(10);
      jest.advanceTimersByTime(2_500);
      await a.sync();
      expect(warn).toHaveBeenCalledTimes(1);
      a.onModuleDestroy();
    });

    it('leaves the instance set on shutdown, after handing over its counts', async () => {
      const store = new FakeStore();
      const a = limits(10, 100, 3, store);
      await syncAll(a);
      takeN(a, 3, 'k1');
      await a.onApplicationShutdown();
      expect(store.heartbeats.size).toBe(0);
      expect(store.counts.get(`key:${Math.floor(START / 1000)}:k1`)).toBe(3);
    });

    it('N gateways on one store admit at most the limit per window plus what a sync lets slip (any interleaving)', async () => {
      const LIMIT = 20;
      const metrics = new GatewayMetrics();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          // Steps of: which gateway, how many requests, and whether it syncs after (ms advance).
          fc.array(fc.record({ gw: fc.nat(3), n: fc.integer({ min: 0, max: 15 }), sync: fc.boolean(), ms: fc.integer({ min: 0, max: 60 }) }), { minLength: 1, maxLength: 120 }),
          async (n, steps) => {
            jest.setSystemTime(START);
            const store = new FakeStore();
            const gws = Array.from({ length: n }, () => limits(LIMIT, 1_000_000, 3, store, metrics));
            await syncAll(...gws);
            const perWindow = new Map<number, number>();
            for (const step of steps) {
              const g = gws[step.gw % n];
              const window = Math.floor(Date.now() / 1000);
              perWindow.set(window, (perWindow.get(window) ?? 0) + admitted(takeN(g, step.n, 'k')));
              if (step.sync) await g.sync();
              jest.setSystemTime(Date.now() + step.ms);
            }
            for (const g of gws) g.onModuleDestroy();
            // Each admits at most its share of what it knew was left between two of its syncs, so what
            // the others admitted since their last sync is the most that can slip: a share each.
            for (const count of perWindow.values()) expect(count).toBeLessThanOrEqual(LIMIT + (n - 1) * Math.ceil(LIMIT / n));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
