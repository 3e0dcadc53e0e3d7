import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import type { GatewayEnv } from '../config/env.schema';

/** Seconds to wait, or 0 when the request may go on. */
export type RetryAfter = number;

/** Most failed-authentication buckets kept; beyond it the least recently used is dropped (it restarts full). */
const MAX_FAILURE_BUCKETS = 100_000;

/** How often buckets that have refilled completely are dropped from the per-key and per-org maps. */
const SWEEP_MS = 10_000;

interface Budget {
  /** Tokens a bucket holds and gains per interval: bursts up to the limit, then the limit's rate. */
  tokens: number;
  intervalMs: number;
}

/**
 * In-process rate limits, synchronous so the request path never waits on a promise: token buckets
 * (limiter) per key and per org, a request charged to both or to neither, and a stricter budget of
 * failed authentications per client address. A budget of N per interval allows bursts of N and N
 * per interval sustained.
 *
 * Per-key and per-org buckets exist only for keys the permission engine has just allowed, so there
 * are at most as many as the view has keys and orgs: they live in plain maps, and every SWEEP_MS
 * the buckets untouched for a whole interval, which have refilled completely, are dropped (a new
 * bucket starts full, so dropping one changes nothing). Failed-authentication buckets are made by
 * any client address, so they live in an LRU cache (lru-cache) bounded to MAX_FAILURE_BUCKETS.
 */
@Injectable()
export class RateLimitsService implements OnModuleDestroy {
  private readonly perKey: Budget;
  private readonly perOrg: Budget;
  private readonly authFailure: Budget;
  private readonly keys = new Map<string, TokenBucket>();
  private readonly orgs = new Map<string, TokenBucket>();
  private readonly failures = new LRUCache<string, TokenBucket>({ max: MAX_FAILURE_BUCKETS });
  private readonly sweeper: NodeJS.Timeout;

  constructor(config: ConfigService<GatewayEnv, true>) {
    this.perKey = { tokens: config.get('RATE_LIMIT_KEY_PER_SECOND', { infer: true }), intervalMs: 1000 };
    this.perOrg = { tokens: config.get('RATE_LIMIT_ORG_PER_SECOND', { infer: true }), intervalMs: 1000 };
    this.authFailure = { tokens: config.get('AUTH_FAILURES_PER_MINUTE', { infer: true }), intervalMs: 60_000 };
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Drops the per-key and per-org buckets that have refilled completely (untouched for an interval). */
  sweep(now = performance.now()): void {
    for (const buckets of [this.keys, this.orgs]) {
      for (const [id, bucket] of buckets) if (now - bucket.lastDrip >= bucket.interval) buckets.delete(id);
    }
  }

  /** Buckets held per kind (the unit tests read it). */
  get size(): { keys: number; orgs: number; failures: number } {
    return { keys: this.keys.size, orgs: this.orgs.size, failures: this.failures.size };
  }

  /** Charges one request to the key's and the org's budgets, or to neither and says how long to wait. */
  take(keyId: string, orgId: string): RetryAfter {
    const key = bucketOf(this.keys, keyId, this.perKey);
    if (!key.tryRemoveTokens(1)) return seconds(key.getWaitTime(1));
    const org = bucketOf(this.orgs, orgId, this.perOrg);
    if (!org.tryRemoveTokens(1)) {
      key.content += 1; // refused: the key keeps its token
      return seconds(org.getWaitTime(1));
    }
    return 0;
  }

  /** 0 if this address may still try to authenticate, else the seconds until it may. */
  authBlocked(address: string): RetryAfter {
    if (this.failures.size === 0) return 0; // the common case: no failure recently, no lookup
    const bucket = this.failures.get(address);
    if (bucket === undefined) return 0;
    const waitMs = bucket.getWaitTime(1);
    return waitMs > 0 ? seconds(waitMs) : 0;
  }

  /** Counts one failed authentication from this address. */
  authFailed(address: string): void {
    let bucket = this.failures.get(address);
    if (bucket === undefined) {
      bucket = fullBucket(this.authFailure);
      this.failures.set(address, bucket);
    }
    bucket.tryRemoveTokens(1);
  }
}

/** The bucket of this key (org), a new full one if it has none. */
function bucketOf(buckets: Map<string, TokenBucket>, id: string, budget: Budget): TokenBucket {
  let bucket = buckets.get(id);
  if (bucket === undefined) {
    bucket = fullBucket(budget);
    buckets.set(id, bucket);
  }
  return bucket;
}

function fullBucket(budget: Budget): TokenBucket {
  const bucket = new TokenBucket({ bucketSize: budget.tokens, tokensPerInterval: budget.tokens, interval: budget.intervalMs });
  bucket.content = budget.tokens; // limiter starts buckets empty; ours start with the whole burst
  return bucket;
}

function seconds(waitMs: number): RetryAfter {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
