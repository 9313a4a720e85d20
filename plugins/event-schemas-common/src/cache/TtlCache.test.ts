import { TtlCache } from './TtlCache';

describe('TtlCache', () => {
  it('serves a value until it expires, then loads it again', async () => {
    let now = 0;
    const cache = new TtlCache<number>({
      ttlMs: 1000,
      maxEntries: 10,
      now: () => now,
    });
    const load = jest.fn(async () => now);
    expect(await cache.getOrLoad('a', load)).toBe(0);
    now = 999;
    expect(await cache.getOrLoad('a', load)).toBe(0);
    now = 1000;
    expect(await cache.getOrLoad('a', load)).toBe(1000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('evicts the oldest entry beyond its size and forgets by prefix', async () => {
    const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    const load = jest.fn(async () => 'x');
    await cache.getOrLoad('t1\u00001', load);
    await cache.getOrLoad('t1\u00002', load);
    await cache.getOrLoad('t2\u00001', load); // evicts t1/1
    await cache.getOrLoad('t1\u00002', load); // still cached
    expect(load).toHaveBeenCalledTimes(3);
    cache.deletePrefix('t1\u0000');
    await cache.getOrLoad('t1\u00002', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('does not cache failures', async () => {
    const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    await expect(
      cache.getOrLoad('a', async () => {
        throw new Error('gone');
      }),
    ).rejects.toThrow('gone');
    expect(await cache.getOrLoad('a', async () => 'back')).toBe('back');
  });

  it('shares one load between concurrent misses of a key', async () => {
    const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    let release!: (value: string) => void;
    const load = jest.fn(
      () => new Promise<string>(resolve => (release = resolve)),
    );
    const first = cache.getOrLoad('a', load);
    const second = cache.getOrLoad('a', load);
    release('v');
    await expect(Promise.all([first, second])).resolves.toEqual(['v', 'v']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again after a failed load', async () => {
    const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    await expect(
      cache.getOrLoad('a', async () => {
        throw new Error('registry down');
      }),
    ).rejects.toThrow('registry down');
    await expect(cache.getOrLoad('a', async () => 'v')).resolves.toBe('v');
  });

  it('gets and sets entries that the caller loads, with the same expiry and bound', () => {
    let now = 0;
    const cache = new TtlCache<string>({
      ttlMs: 1000,
      maxEntries: 2,
      now: () => now,
    });
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A'); // now the most recently used
    cache.set('c', 'C'); // evicts b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('can evict the oldest entry instead of the least recently used', () => {
    const cache = new TtlCache<string>({
      ttlMs: 60_000,
      maxEntries: 2,
      evict: 'oldest',
    });
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C'); // evicts a, the oldest, though it was just used
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('B');
  });
});
