/**
 * A bounded map for work done per event: the least recently used entry goes
 * beyond `maxEntries`, and entries expire after `ttlMs` (`Infinity` for
 * values that never change, such as a version's compiled validator). A short
 * TTL suits lookups that may be a few seconds stale: a new version registered
 * on another replica is seen within `ttlMs`.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();

  constructor(
    private readonly options: {
      ttlMs: number;
      maxEntries: number;
      now?: () => number;
    },
  ) {}

  async getOrLoad(key: string, load: () => Promise<T>): Promise<T> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = await load();
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.options.ttlMs });
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  /** Forgets every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) this.entries.delete(key);
    }
  }
}
