import { FailureLimiter } from './failure-limiter';

describe('FailureLimiter', () => {
  it('blocks an address after `limit` failures until its minute is over', () => {
    const l = new FailureLimiter(2);
    l.failed('a', 0);
    expect(l.blockedFor('a', 1)).toBe(0);
    l.failed('a', 1000);
    expect(l.blockedFor('a', 1000)).toBe(59);
    expect(l.blockedFor('b', 1000)).toBe(0);
    expect(l.blockedFor('a', 60_000)).toBe(0);
    l.failed('a', 60_000);
    expect(l.blockedFor('a', 60_001)).toBe(0);
  });

  it('stays bounded under a flood of addresses', () => {
    const l = new FailureLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) l.failed(`ip${i}`, 0);
    expect((l as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
  });
});
