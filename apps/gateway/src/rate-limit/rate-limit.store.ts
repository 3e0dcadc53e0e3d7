/** The shared store of the gateways' window counts (Redis in production; fakes in unit tests). */
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/** One id's counts of one limit to add to the store, and to read back. */
export interface SyncItem {
  /** The limit: `key`, `org` or `failure`. */
  kind: string;
  id: string;
  /** Index of the current window (epoch ms / windowMs). */
  window: number;
  windowMs: number;
  /** Admissions to add to the current window's count, and to the previous one's. */
  addCurrent: number;
  addPrevious: number;
}

export interface SyncResult {
  /** Gateways whose heartbeat the store has seen within the heartbeat TTL (this one included). */
  instances: number;
  /** Per item, in order: the store's counts of the current and the previous window after the additions. */
  counts: [current: number, previous: number][];
}

export interface RateLimitStore {
  /** Heartbeat of this instance, the additions, and every gateway's counts: one round trip. */
  sync(instanceId: string, heartbeatTtlMs: number, items: readonly SyncItem[]): Promise<SyncResult>;
  /** Says this instance is gone (out of the others' instance count at once), then disconnects. */
  close(instanceId: string): Promise<void>;
}
