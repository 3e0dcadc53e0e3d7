/**
 * One limit's count for one id (a key, an org, a client address) in sliding windows: the count of
 * the current fixed window and of the one before it, weighted by how much of it the sliding window
 * still covers (prev x (1 - elapsed fraction) + current), so a limit of N per window allows bursts
 * of N and about N per window sustained, without a step at each window's start.
 *
 * Each count is kept three ways: `count` (this gateway's admissions), `synced` (how many of them
 * the shared store has) and `global` (the store's count, every gateway's, as of the last sync).
 */
export interface WindowCounter {
  /** Index of the current window (epoch ms / window length). */
  window: number;
  count: number;
  synced: number;
  global: number;
  prevCount: number;
  prevSynced: number;
  prevGlobal: number;
}

export function newCounter(window: number): WindowCounter {
  return { window, count: 0, synced: 0, global: 0, prevCount: 0, prevSynced: 0, prevGlobal: 0 };
}

/** Moves the counter to `window` (the current one): the last window becomes the previous, older ones are gone. */
export function roll(c: WindowCounter, window: number): void {
  if (c.window === window) return;
  if (c.window === window - 1) {
    c.prevCount = c.count;
    c.prevSynced = c.synced;
    c.prevGlobal = c.global;
  } else {
    c.prevCount = c.prevSynced = c.prevGlobal = 0;
  }
  c.count = c.synced = c.global = 0;
  c.window = window;
}

/**
 * How each gateway decides:
 *  - `local`: no shared store (REDIS_URL unset): its own counts against the whole limit;
 *  - `cluster`: the store's counts plus its own not yet synced, against the whole limit; between
 *    two syncs it admits at most its share (1 / instances) of what was left at the last one, so N
 *    gateways together stay within the limit plus what one sync interval lets slip;
 *  - `share`: the store is unreachable: its own counts against limit / instances (at least 1).
 */
export type Mode = { kind: 'local' } | { kind: 'cluster'; instances: number } | { kind: 'share'; instances: number };

/**
 * Milliseconds until one more request fits (0: it fits now). `limit` per `windowMs`, `now` in
 * epoch ms; the counter must be rolled to now's window.
 */
export function waitMs(c: WindowCounter, limit: number, windowMs: number, mode: Mode, now: number): number {
  const elapsed = now - c.window * windowMs;
  const weight = 1 - elapsed / windowMs;
  let prev: number;
  let cur: number;
  let cap = limit;
  if (mode.kind === 'cluster') {
    prev = c.prevGlobal + c.prevCount - c.prevSynced;
    cur = c.global + c.count - c.synced;
    // Share of what was left at the last sync; with one instance this is the test below.
    const left = limit - prev * weight - c.global;
    if (mode.instances > 1 && prev * weight + cur + 1 <= limit && c.count - c.synced + 1 > left / mode.instances) {
      return 1; // the next sync (milliseconds away) tells how much the others used
    }
  } else {
    prev = c.prevCount;
    cur = c.count;
    if (mode.kind === 'share') cap = Math.max(1, Math.floor(limit / mode.instances));
  }
  if (prev * weight + cur + 1 <= cap) return 0;
  if (cur + 1 <= cap) {
    // Fits in this window once enough of the previous one has slid out.
    const fraction = 1 - (cap - 1 - cur) / prev;
    return Math.max(1, Math.ceil(fraction * windowMs - elapsed));
  }
  // Not before the next window, and there until enough of this one has slid out.
  const rest = windowMs - elapsed;
  return Math.max(1, Math.ceil(rest + windowMs * Math.max(0, 1 - (cap - 1) / cur)));
}
