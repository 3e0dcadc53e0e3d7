import type { ConfigService } from '@nestjs/config';
import type { GatewayEnv } from '../config/env.schema';
import { RateLimitsService } from './rate-limits.service';

function limits(perKey: number, perOrg: number, failuresPerMinute = 3): RateLimitsService {
  const values: Partial<GatewayEnv> = { RATE_LIMIT_KEY_PER_SECOND: perKey, RATE_LIMIT_ORG_PER_SECOND: perOrg, AUTH_FAILURES_PER_MINUTE: failuresPerMinute };
  return new RateLimitsService({ get: (name: keyof GatewayEnv) => values[name] } as unknown as ConfigService<GatewayEnv, true>);
}

function takeN(service: RateLimitsService, n: number, keyId: string, orgId = 'o1'): number[] {
  return Array.from({ length: n }, () => service.take(keyId, orgId));
}

describe('RateLimitsService', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('lets a key burst up to its budget, then says to retry after at least a second', () => {
    const service = limits(3, 100);
    expect(takeN(service, 3, 'k1')).toEqual([0, 0, 0]);
    expect(service.take('k1', 'o1')).toBe(1);
  });

  it('refills a key at its rate', () => {
    const service = limits(4, 100);
    takeN(service, 4, 'k1');
    expect(service.take('k1', 'o1')).toBeGreaterThan(0);
    jest.advanceTimersByTime(500); // half a second: two of the four tokens back
    expect(takeN(service, 3, 'k1')).toEqual([0, 0, 1]);
    jest.advanceTimersByTime(1000);
    expect(takeN(service, 4, 'k1')).toEqual([0, 0, 0, 0]);
  });

  it('keeps keys apart but charges their org: the org budget is shared', () => {
    const service = limits(2, 3);
    expect(takeN(service, 2, 'k1')).toEqual([0, 0]);
    expect(takeN(service, 2, 'k2')).toEqual([0, 1]);
    expect(takeN(service, 3, 'k3', 'o2')).toEqual([0, 0, 1]);
  });

  it('charges neither budget for a refused request', () => {
    const service = limits(2, 3);
    takeN(service, 2, 'k1');
    // k1 is out of tokens: these refusals must not drain the org's last token.
    expect(takeN(service, 5, 'k1').every((r) => r > 0)).toBe(true);
    expect(service.take('k2', 'o1')).toBe(0);
    // and a refusal by the org must not drain the key.
    const fresh = limits(5, 1);
    expect(fresh.take('a', 'o1')).toBe(0);
    expect(fresh.take('b', 'o1')).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(fresh.take('b', 'o1')).toBe(0);
  });

  it('drops per-key and per-org buckets once they have refilled, which changes no answer', () => {
    const service = limits(2, 5);
    takeN(service, 2, 'k1');
    expect(service.size).toMatchObject({ keys: 1, orgs: 1 });
    jest.advanceTimersByTime(500);
    service.sweep(); // half refilled: kept
    expect(service.size).toMatchObject({ keys: 1, orgs: 1 });
    expect(takeN(service, 2, 'k1')).toEqual([0, 1]); // one token back, not the whole burst
    jest.advanceTimersByTime(1000);
    service.sweep(); // untouched for a whole interval: full, so dropped
    expect(service.size).toMatchObject({ keys: 0, orgs: 0 });
    expect(takeN(service, 3, 'k1')).toEqual([0, 0, 1]); // a new bucket holds the burst, no more
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

  it('blocks an address after its budget of failed authentications, for the rest of the window', () => {
    const service = limits(10, 10, 3);
    expect(service.authBlocked('10.0.0.1')).toBe(0);
    service.authFailed('10.0.0.1');
    service.authFailed('10.0.0.1');
    expect(service.authBlocked('10.0.0.1')).toBe(0);
    service.authFailed('10.0.0.1');
    const wait = service.authBlocked('10.0.0.1');
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(20); // 3 per minute: one comes back every 20 s
    expect(service.authBlocked('10.0.0.2')).toBe(0);
    jest.advanceTimersByTime(20_000);
    expect(service.authBlocked('10.0.0.1')).toBe(0);
  });
});
