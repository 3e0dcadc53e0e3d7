/**
 * Counts failed authentications per client address in fixed one-minute windows: after `limit`
 * failures in a window the address is refused until the window ends (the seconds left are the
 * Retry-After). Bounded: past `maxAddresses` tracked, finished windows are dropped, then the oldest.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Seconds the address must wait (0: it may try). */
  blockedFor(address: string, now = Date.now()): number {
    const w = this.windows.get(address);
    if (w === undefined || now - w.start >= this.windowMs || w.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }

  failed(address: string, now = Date.now()): void {
    const w = this.windows.get(address);
    if (w !== undefined && now - w.start < this.windowMs) {
      w.failures++;
      return;
    }
    if (w === undefined && this.windows.size >= this.maxAddresses) this.prune(now);
    this.windows.set(address, { start: now, failures: 1 });
  }

  private prune(now: number): void {
    for (const [address, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(address);
    // Still full (a flood of addresses): forget the oldest, which are the first in insertion order.
    for (const address of this.windows.keys()) {
      if (this.windows.size < this.maxAddresses) break;
      this.windows.delete(address);
    }
  }
}

/** The configured failures per minute per address (STATIC_TOKEN_MAX_FAILURES_PER_MINUTE, default 20). */
export function maxTokenFailuresPerMinute(value: unknown): number {
  const n = Number(value ?? 20);
  return Number.isInteger(n) && n >= 1 ? n : 20;
}
