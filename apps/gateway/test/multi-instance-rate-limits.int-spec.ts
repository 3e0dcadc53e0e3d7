import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { waitUntil } from '@sp/testing';
import type { GatewayEnv } from '../src/config/env.schema';
import { GatewayMetrics } from '../src/metrics/gateway.metrics';
import { RateLimitsService } from '../src/rate-limit/rate-limits.service';
import { RedisRateLimitStore } from '../src/rate-limit/redis-rate-limit.store';

/**
 * RateLimitsService instances (as in separate gateways) on a real redis-server: the stack's for
 * the shared counters, and one of this suite's own that it stops and starts again for the outage.
 */
describe('rate limits of several gateways on real Redis', () => {
  const prefix = `it-${randomUUID().slice(0, 8)}:`;
  const services: RateLimitsService[] = [];
  const port = 3750;
  let own: ChildProcess | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'rl-redis-'));

  function gateway(url: string, env: Partial<GatewayEnv> = {}): RateLimitsService {
    const values: Partial<GatewayEnv> = { RATE_LIMIT_KEY_PER_SECOND: 50, RATE_LIMIT_ORG_PER_SECOND: 100_000, AUTH_FAILURES_PER_MINUTE: 10, RATE_LIMIT_SYNC_MS: 50, ...env };
    const store = new RedisRateLimitStore(url, prefix, 250);
    const s = new RateLimitsService({ get: (name: keyof GatewayEnv) => values[name] } as unknown as ConfigService<GatewayEnv, true>, new GatewayMetrics(), store);
    services.push(s);
    return s;
  }

  async function startOwnRedis(): Promise<void> {
    own = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitUntil(async () => {
      const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    }, 10_000);
  }

  async function stopOwnRedis(): Promise<void> {
    if (!own || own.exitCode !== null) return;
    const exited = once(own, 'exit');
    own.kill('SIGKILL');
    await exited;
  }

  beforeAll(() => {
    if (!process.env.REDIS_URL) throw new Error('run through npm test: REDIS_URL (the local stack\'s redis-server) is required');
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.onApplicationShutdown()));
    await stopOwnRedis();
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  const connected = (...s: RateLimitsService[]) => waitUntil(() => s.every((x) => x.state.mode === 'cluster' && x.state.instances === s.length), 5_000, 20);

  it('three gateways hammering one key for 3 s admit about the limit in total, not three times it', async () => {
    const gws = [gateway(process.env.REDIS_URL as string), gateway(process.env.REDIS_URL as string), gateway(process.env.REDIS_URL as string)];
    await connected(...gws);
    // Start on a window boundary plus a little, so that exactly 3 windows are measured.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const until = Date.now() + 2_990;
    let admitted = 0;
    while (Date.now() < until) {
      for (const g of gws) for (let i = 0; i < 5; i++) if (g.take('hot-key', 'org') === 0) admitted++;
      await new Promise((r) => setTimeout(r, 2));
    }
    process.stdout.write(`[rate-limits] 3 gateways, 3 s, limit 50/s: admitted ${admitted} of 150 allowed\n`);
    // Bursts of a whole window at the start, then the sliding window: 3 x 50, plus what syncs let slip.
    expect(admitted).toBeLessThanOrEqual(150 * 1.2);
    expect(admitted).toBeGreaterThanOrEqual(150 * 0.8);
    await Promise.all(gws.map((g) => g.onApplicationShutdown()));
  });

  it('failed authentications from one address are counted across gateways', async () => {
    const [a, b] = [gateway(process.env.REDIS_URL as string), gateway(process.env.REDIS_URL as string)];
    await connected(a, b);
    for (let i = 0; i < 5; i++) a.authFailed('192.0.2.7');
    await a.sync();
    await b.sync();
    for (let i = 0; i < 5; i++) b.authFailed('192.0.2.7');
    await b.sync();
    await a.sync();
    expect(a.authBlocked('192.0.2.7')).toBeGreaterThan(0);
    expect(b.authBlocked('192.0.2.7')).toBeGreaterThan(0);
    const redis = new Redis(process.env.REDIS_URL as string);
    const keys = await redis.keys(`${prefix}failure:*:192.0.2.7`);
    expect(Number(await redis.get(keys[0]))).toBe(10);
    // Keys expire on their own: two windows after the last addition.
    expect(await redis.pttl(keys[0])).toBeGreaterThan(60_000);
    expect(await redis.pttl(keys[0])).toBeLessThanOrEqual(121_000);
    redis.disconnect();
    await Promise.all([a, b].map((g) => g.onApplicationShutdown()));
  });

  it('Redis gone: each falls back to limit / instances; Redis back: cluster-wide again, with what was counted meanwhile', async () => {
    await startOwnRedis();
    const url = `redis://127.0.0.1:${port}`;
    const [a, b] = [gateway(url, { RATE_LIMIT_KEY_PER_SECOND: 40 }), gateway(url, { RATE_LIMIT_KEY_PER_SECOND: 40 })];
    await connected(a, b);
    await stopOwnRedis();
    await waitUntil(() => a.state.mode === 'share' && b.state.mode === 'share', 5_000, 20);
    expect(a.state).toEqual({ store: 'redis', connected: false, instances: 2, mode: 'share' });
    let admittedA = 0;
    for (let i = 0; i < 40; i++) if (a.take('k-outage', 'org') === 0) admittedA++;
    expect(admittedA).toBe(20); // 40 / 2
    await startOwnRedis();
    await waitUntil(() => a.state.mode === 'cluster' && b.state.mode === 'cluster', 10_000, 20);
    // Counting in the store again (what it admitted during the outage is pushed too, while its window lasts).
    for (let i = 0; i < 5; i++) a.take('k-outage', 'org');
    await a.sync();
    await a.sync();
    const redis = new Redis(url);
    const windows = await redis.keys(`${prefix}key:*:k-outage`);
    expect(windows.length).toBeGreaterThan(0);
    redis.disconnect();
    await Promise.all([a, b].map((g) => g.onApplicationShutdown()));
  });
});
