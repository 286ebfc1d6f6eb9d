/**
 * Per-conversation and per-user message limits (sliding window, in memory). A noisy conversation is
 * answered politely and cheaply (no matching, no state write), so it cannot slow the others.
 * Memory is bounded: idle keys are dropped and at most `maxKeys` are tracked.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Records a hit for every key; true when all keys are within the limit. */
  allow(keys: string[], now = Date.now()): boolean {
    let ok = true;
    for (const key of keys) {
      const since = now - this.windowMs;
      const list = (this.hits.get(key) ?? []).filter((t) => t > since);
      list.push(now);
      this.hits.delete(key); // re-insert: Map order is our LRU order
      this.hits.set(key, list.slice(-(this.limit + 1)));
      if (list.length > this.limit) ok = false;
    }
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value as string);
    return ok;
  }

  private readonly notified = new Map<string, number>();

  /** True only for the first rejected message of a window (so the notice is not repeated). */
  firstRejection(key: string, now = Date.now()): boolean {
    const last = this.notified.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.notified.set(key, now);
    if (this.notified.size > this.maxKeys) this.notified.delete(this.notified.keys().next().value as string);
    return true;
  }
}
