import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GatewayEnv } from '../config/env.schema';

/** Seconds to wait, or 0 when the request may go on. */
export type RetryAfter = number;

/**
 * In-process rate limits (rate-limiter-flexible): per key and per org on authenticated requests,
 * and a stricter one on failed authentications per client address.
 */
@Injectable()
export class RateLimitsService {
  private readonly perKey: RateLimiterMemory;
  private readonly perOrg: RateLimiterMemory;
  private readonly authFailures: RateLimiterMemory;

  constructor(config: ConfigService<GatewayEnv, true>) {
    this.perKey = new RateLimiterMemory({ keyPrefix: 'key', points: config.get('RATE_LIMIT_KEY_PER_SECOND', { infer: true }), duration: 1 });
    this.perOrg = new RateLimiterMemory({ keyPrefix: 'org', points: config.get('RATE_LIMIT_ORG_PER_SECOND', { infer: true }), duration: 1 });
    this.authFailures = new RateLimiterMemory({ keyPrefix: 'authfail', points: config.get('AUTH_FAILURES_PER_MINUTE', { infer: true }), duration: 60 });
  }

  /** Consumes one request of the key's and the org's budgets. */
  async take(keyId: string, orgId: string): Promise<RetryAfter> {
    try {
      await this.perKey.consume(keyId);
      await this.perOrg.consume(orgId);
      return 0;
    } catch (res) {
      return retryAfter(res);
    }
  }

  /** 0 if this address may still try to authenticate. */
  async authBlocked(address: string): Promise<RetryAfter> {
    const res = await this.authFailures.get(address);
    return res !== null && res.remainingPoints <= 0 ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }

  async authFailed(address: string): Promise<void> {
    await this.authFailures.consume(address).catch(() => undefined);
  }
}

function retryAfter(res: unknown): RetryAfter {
  if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  throw res;
}
