import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import type { GatewayEnv } from '../config/env.schema';
import { RATE_LIMIT_STORE, type RateLimitStore, type SyncItem, type SyncResult } from './rate-limit.store';

/**
 * Adds each item's admissions to its window counters and reads back the current and previous
 * window's counts, atomically per call (a Lua script runs alone). KEYS: per item the current and
 * the previous window's key; ARGV: per item the two additions and the keys' time to live (ms).
 */
const SYNC_SCRIPT = `
local out = {}
for i = 1, #KEYS / 2 do
  local ttl = ARGV[3 * i]
  local counts = {}
  for j = 0, 1 do
    local key, add = KEYS[2 * i - 1 + j], tonumber(ARGV[3 * i - 2 + j])
    if add > 0 then
      counts[j + 1] = redis.call('INCRBY', key, add)
      redis.call('PEXPIRE', key, ttl)
    else
      counts[j + 1] = tonumber(redis.call('GET', key) or '0')
    end
  end
  out[2 * i - 1] = counts[1]
  out[2 * i] = counts[2]
end
return out`;

/**
 * This instance's heartbeat in a sorted set scored by the server's clock (no skew between
 * gateways' clocks), members older than the TTL dropped; answers how many are left.
 */
const HEARTBEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZCARD', KEYS[1])`;

/** Items per script call: one call holds Redis alone, so a sync of many ids takes several short ones. */
const ITEMS_PER_CALL = 500;

/**
 * The gateways' shared window counters in Redis (ioredis): keys `<prefix><kind>:<window>:<id>`,
 * expiring two windows after their last addition; the instances in `<prefix>instances`. One
 * pipeline per sync. Commands fail fast while disconnected (no offline queue) or after
 * `commandTimeoutMs`: a failed sync is how the gateway learns the store is unreachable.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    commandTimeoutMs: number,
  ) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      connectTimeout: Math.max(1_000, commandTimeoutMs),
      // Reconnect forever, at most a second apart: the limits go back to cluster-wide on their own.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
    // Failures surface as failed syncs, which the service logs on each transition; not once per retry.
    this.redis.on('error', () => undefined);
  }

  async sync(instanceId: string, heartbeatTtlMs: number, items: readonly SyncItem[]): Promise<SyncResult> {
    if (this.redis.status !== 'ready') throw new Error(`not connected to Redis (${this.redis.status})`);
    const pipeline = this.redis.pipeline();
    pipeline.eval(HEARTBEAT_SCRIPT, 1, `${this.prefix}instances`, instanceId, heartbeatTtlMs);
    for (let start = 0; start < items.length; start += ITEMS_PER_CALL) {
      const chunk = items.slice(start, start + ITEMS_PER_CALL);
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const item of chunk) {
        keys.push(this.key(item, item.window), this.key(item, item.window - 1));
        args.push(item.addCurrent, item.addPrevious, 2 * item.windowMs + 1_000);
      }
      pipeline.eval(SYNC_SCRIPT, keys.length, ...keys, ...args);
    }
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    const counts: [number, number][] = [];
    for (const [, reply] of replies.slice(1)) {
      const flat = reply as number[];
      for (let i = 0; i < flat.length; i += 2) counts.push([Number(flat[i]), Number(flat[i + 1])]);
    }
    return { instances: Number(replies[0][1]), counts };
  }

  async close(instanceId: string): Promise<void> {
    try {
      if (this.redis.status === 'ready') await this.redis.zrem(`${this.prefix}instances`, instanceId);
    } finally {
      this.redis.disconnect();
    }
  }

  private key(item: SyncItem, window: number): string {
    return `${this.prefix}${item.kind}:${window}:${item.id}`;
  }
}

/** The store of app.module: Redis when REDIS_URL is set, none (process-local limits) otherwise. */
export const rateLimitStoreProvider: Provider = {
  provide: RATE_LIMIT_STORE,
  inject: [ConfigService],
  useFactory: (config: ConfigService<GatewayEnv, true>): RateLimitStore | null => {
    const url = config.get('REDIS_URL', { infer: true });
    if (url === undefined) return null;
    // A sync that takes longer than a few intervals counts as failed: the gateway goes to its share.
    const timeout = Math.max(250, 3 * config.get('RATE_LIMIT_SYNC_MS', { infer: true }));
    return new RedisRateLimitStore(url, config.get('RATE_LIMIT_REDIS_PREFIX', { infer: true }), timeout);
  },
};
