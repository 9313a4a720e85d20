/**
 * A bounded map for work done per event: the least recently used entry goes
 * beyond `maxEntries`, and entries expire after `ttlMs` (`Infinity` for
 * values that never change, such as a version's compiled validator). A short
 * TTL suits lookups that may be a few seconds stale: a new version registered
 * on another replica is seen within `ttlMs`. Concurrent misses of one key
 * share a single load, so a burst of events of a new type costs one lookup.
 *
 * @public
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  private readonly loading = new Map<string, Promise<T>>();

  constructor(
    private readonly options: {
      ttlMs: number;
      maxEntries: number;
      now?: () => number;
      /**
       * Which entry goes beyond `maxEntries`: the least recently used (the
       * default), or the oldest, which spares every hit the bookkeeping;
       * for entries that expire soon anyway.
       */
      evict?: 'least-recently-used' | 'oldest';
    },
  ) {}

  async getOrLoad(key: string, load: () => Promise<T>): Promise<T> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.#fresh(key, now);
    if (hit) {
      return hit.value;
    }
    const pending = this.loading.get(key);
    if (pending) {
      return pending;
    }
    const loaded = load().finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    const value = await loaded;
    this.#store(key, value, now);
    return value;
  }

  /**
   * The entry for `key` if it has not expired, without loading; for callers
   * that load their misses together, then {@link TtlCache.set} them.
   */
  get(key: string): T | undefined {
    return this.#fresh(key, (this.options.now ?? Date.now)())?.value;
  }

  /** Stores a value loaded by the caller. */
  set(key: string, value: T): void {
    this.#store(key, value, (this.options.now ?? Date.now)());
  }

  #fresh(key: string, now: number) {
    const hit = this.entries.get(key);
    if (!hit || hit.expires <= now) return undefined;
    if (this.options.evict !== 'oldest') {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  #store(key: string, value: T, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.options.ttlMs });
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /** Forgets one entry. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * Forgets every entry whose key starts with `prefix`. A load under way is
   * not cancelled; its value is stored when it completes.
   */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) this.entries.delete(key);
    }
  }
}
