import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import type { GatewayEnv } from '../config/env.schema';

/** Seconds to wait, or 0 when the request may go on. */
export type RetryAfter = number;

/** Most buckets kept per kind; beyond it the least recently used is dropped (it restarts full). */
const MAX_BUCKETS = 100_000;

interface Budget {
  /** Tokens a bucket holds and gains per interval: bursts up to the limit, then the limit's rate. */
  tokens: number;
  intervalMs: number;
}

/**
 * In-process rate limits, synchronous so the request path never waits on a promise: token buckets
 * (limiter) per key and per org, a request charged to both or to neither, and a stricter budget of
 * failed authentications per client address. A budget of
 * N per interval allows bursts of N and N per interval sustained.
 *
 * Buckets live in LRU caches (lru-cache) bounded to MAX_BUCKETS each: the least recently used one
 * goes first, and a bucket untouched for one interval has refilled completely anyway, so dropping
 * it only matters when more than MAX_BUCKETS keys (orgs, addresses) are active within an interval.
 */
@Injectable()
export class RateLimitsService {
  private readonly perKey: Budget;
  private readonly perOrg: Budget;
  private readonly authFailure: Budget;
  private readonly keys: LRUCache<string, TokenBucket>;
  private readonly orgs: LRUCache<string, TokenBucket>;
  private readonly failures: LRUCache<string, TokenBucket>;

  constructor(config: ConfigService<GatewayEnv, true>) {
    this.perKey = { tokens: config.get('RATE_LIMIT_KEY_PER_SECOND', { infer: true }), intervalMs: 1000 };
    this.perOrg = { tokens: config.get('RATE_LIMIT_ORG_PER_SECOND', { infer: true }), intervalMs: 1000 };
    this.authFailure = { tokens: config.get('AUTH_FAILURES_PER_MINUTE', { infer: true }), intervalMs: 60_000 };
    this.keys = bucketCache();
    this.orgs = bucketCache();
    this.failures = bucketCache();
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
    bucketOf(this.failures, address, this.authFailure).tryRemoveTokens(1);
  }
}

function bucketCache(): LRUCache<string, TokenBucket> {
  return new LRUCache<string, TokenBucket>({ max: MAX_BUCKETS });
}

/** The bucket of this key (org, address), a new full one if it has none. */
function bucketOf(cache: LRUCache<string, TokenBucket>, id: string, budget: Budget): TokenBucket {
  let bucket = cache.get(id);
  if (bucket === undefined) {
    bucket = new TokenBucket({ bucketSize: budget.tokens, tokensPerInterval: budget.tokens, interval: budget.intervalMs });
    bucket.content = budget.tokens; // limiter starts buckets empty; ours start with the whole burst
    cache.set(id, bucket);
  }
  return bucket;
}

function seconds(waitMs: number): RetryAfter {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
