import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePartitionStore } from './DatabasePartitionStore';
import { migrateDatabase } from './migrateDatabase';

jest.setTimeout(60_000);

describe('DatabasePartitionStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    const store = new DatabasePartitionStore(knex);
    return { knex, store };
  }

  const hour = (h: number) => new Date(Date.UTC(2026, 10, 23, h));

  it.each(databases.eachSupportedId())(
    'runs its migrations and answers a ping, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await knex.schema.hasTable('partitions')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists partitions filtered by event type and time window, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await knex('partitions').insert([
        {
          event_type: 'com.example.playback.started',
          start: hour(9),
          end: hour(10),
          state: 'delivered',
          received: 1200,
          bytes: 3_000_000_000,
          closed_at: new Date(Date.UTC(2026, 10, 23, 10, 5)),
          delivered_at: new Date(Date.UTC(2026, 10, 23, 10, 9)),
        },
        {
          event_type: 'com.example.playback.started',
          start: hour(10),
          end: hour(11),
          state: 'open',
          received: 7,
          bytes: 900,
          closed_at: null,
          delivered_at: null,
        },
        {
          event_type: 'com.example.checkout.completed',
          start: hour(10),
          end: hour(11),
          state: 'open',
          received: 0,
          bytes: 0,
          closed_at: null,
          delivered_at: null,
        },
      ]);

      const playback = await store.listPartitions({
        eventType: 'com.example.playback.started',
      });
      expect(playback).toEqual([
        {
          eventType: 'com.example.playback.started',
          start: '2026-11-23T09:00:00.000Z',
          end: '2026-11-23T10:00:00.000Z',
          state: 'delivered',
          counts: {
            received: 1200,
            bytes: 3_000_000_000,
            duplicates: 0,
            conflicts: 0,
            failed: 0,
          },
          closedAt: '2026-11-23T10:05:00.000Z',
          deliveredAt: '2026-11-23T10:09:00.000Z',
          latenessMs: 540_000,
        },
        {
          eventType: 'com.example.playback.started',
          start: '2026-11-23T10:00:00.000Z',
          end: '2026-11-23T11:00:00.000Z',
          state: 'open',
          counts: {
            received: 7,
            bytes: 900,
            duplicates: 0,
            conflicts: 0,
            failed: 0,
          },
        },
      ]);

      // A window overlapping only the 10:00 hour.
      const tenOClock = await store.listPartitions({
        from: new Date(Date.UTC(2026, 10, 23, 10, 30)),
        to: hour(11),
      });
      expect(tenOClock.map(p => [p.eventType, p.start])).toEqual([
        ['com.example.checkout.completed', '2026-11-23T10:00:00.000Z'],
        ['com.example.playback.started', '2026-11-23T10:00:00.000Z'],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'adds raw files to their partitions counters, opening new partitions, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const file = (name: string, h: number, events: number) => ({
        path: `raw/com.example.a/2026-11-23/${h}/${name}.ndjson.gz`,
        eventType: 'com.example.a',
        partitionStart: hour(h).getTime(),
        partitionEnd: hour(h + 1).getTime(),
        events,
        bytes: events * 100,
      });
      await store.recordRawFiles(
        [file('p1', 9, 3), file('p2', 9, 4), file('p3', 10, 1)],
        hour(11),
      );
      await store.recordRawFiles([file('p4', 9, 5)], hour(11));

      expect(
        (await store.listPartitions({ eventType: 'com.example.a' })).map(p => [
          p.start,
          p.state,
          p.counts.received,
          p.counts.bytes,
        ]),
      ).toEqual([
        ['2026-11-23T09:00:00.000Z', 'open', 12, 1200],
        ['2026-11-23T10:00:00.000Z', 'open', 1, 100],
      ]);
      expect(
        Number((await knex('raw_files').count({ n: '*' }).first())!.n),
      ).toBe(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the consumer progress and never moves it back, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      expect(await store.getConsumerProgress('local')).toBeUndefined();
      await store.setConsumerProgress('local', hour(10));
      await store.setConsumerProgress('local', hour(9));
      expect(await store.getConsumerProgress('local')).toEqual(hour(10));
      await store.setConsumerProgress('local', hour(11));
      expect(await store.getConsumerProgress('local')).toEqual(hour(11));
      expect(await store.getConsumerProgress('database')).toBeUndefined();
    },
  );

  const rawFile = (eventType: string, h: number, name: string) => ({
    path: `raw/${eventType}/2026-11-23/${h}/${name}.ndjson.gz`,
    eventType,
    partitionStart: hour(h).getTime(),
    partitionEnd: hour(h + 1).getTime(),
    events: 10,
    bytes: 1000,
  });

  it.each(databases.eachSupportedId())(
    'closes open partitions past the grace period and the watermark, once, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.recordRawFiles(
        [
          rawFile('com.example.a', 9, 'p1'),
          rawFile('com.example.a', 10, 'p2'),
          rawFile('com.example.b', 9, 'p3'),
        ],
        hour(9),
      );
      const at = (h: number, m: number) =>
        new Date(Date.UTC(2026, 10, 23, h, m));

      // 10:03: the 9 o'clock hours ended, but the grace (5 min) has not passed.
      expect(
        await store.closePartitions({
          now: at(10, 3),
          graceMs: 300_000,
          watermark: at(10, 3),
        }),
      ).toEqual([]);
      // 10:06 with the consumer behind 10:00: still nothing.
      expect(
        await store.closePartitions({
          now: at(10, 6),
          graceMs: 300_000,
          watermark: at(9, 59),
        }),
      ).toEqual([]);
      // Two completionists racing: each partition is closed by exactly one.
      const options = {
        now: at(10, 6),
        graceMs: 300_000,
        watermark: at(10, 6),
      };
      const [first, second] = await Promise.all([
        store.closePartitions(options),
        store.closePartitions(options),
      ]);
      const closed = [...first, ...second]
        .map(p => `${p.eventType} ${new Date(p.start).toISOString()}`)
        .sort();
      expect(closed).toEqual([
        'com.example.a 2026-11-23T09:00:00.000Z',
        'com.example.b 2026-11-23T09:00:00.000Z',
      ]);
      expect(await store.closePartitions(options)).toEqual([]);

      const listed = await store.listPartitions({});
      expect(
        listed.map(p => [p.eventType, p.start, p.state, p.closedAt]),
      ).toEqual([
        [
          'com.example.a',
          '2026-11-23T09:00:00.000Z',
          'closed',
          at(10, 6).toISOString(),
        ],
        ['com.example.a', '2026-11-23T10:00:00.000Z', 'open', undefined],
        [
          'com.example.b',
          '2026-11-23T09:00:00.000Z',
          'closed',
          at(10, 6).toISOString(),
        ],
      ]);
      const claim = { owner: 'r1', leaseMs: 60_000, now: at(10, 7), limit: 10 };
      expect(
        (await store.claimClosed(claim)).map(p => [
          p.eventType,
          p.start,
          p.end,
        ]),
      ).toEqual([
        ['com.example.a', hour(9).getTime(), hour(10).getTime()],
        ['com.example.b', hour(9).getTime(), hour(10).getTime()],
      ]);
      expect(
        (await store.listPartitions({ state: 'open' })).map(p => p.start),
      ).toEqual(['2026-11-23T10:00:00.000Z']);
    },
  );

  it.each(databases.eachSupportedId())(
    'records a delivery once, with failed events counted and exports queued, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.recordRawFiles([rawFile('com.example.a', 9, 'p2')], hour(10));
      await store.recordRawFiles([rawFile('com.example.a', 9, 'p1')], hour(9));
      const failed = (at: Date, eventType = 'com.example.a') => ({
        received_at: at,
        event_type: eventType,
        reason: 'invalid',
        payload: '{}',
      });
      await knex('failed_events').insert([
        failed(new Date(Date.UTC(2026, 10, 23, 9, 1))),
        failed(new Date(Date.UTC(2026, 10, 23, 9, 59))),
        failed(new Date(Date.UTC(2026, 10, 23, 10, 0))),
        failed(new Date(Date.UTC(2026, 10, 23, 9, 30)), 'com.example.b'),
      ]);
      const key = {
        eventType: 'com.example.a',
        start: hour(9).getTime(),
        end: hour(10).getTime(),
      };
      // Files in the order they were written.
      expect(await store.listRawFiles(key)).toEqual([
        'raw/com.example.a/2026-11-23/9/p1.ndjson.gz',
        'raw/com.example.a/2026-11-23/9/p2.ndjson.gz',
      ]);

      const record = {
        delivered: 15,
        duplicates: 4,
        conflicts: 1,
        clientDelayMs: { p50: 120, p95: 4000, max: 90_000 },
        deliveredAt: new Date(Date.UTC(2026, 10, 23, 10, 7)),
        exporters: ['warehouse'],
      };
      // Not closed yet: not delivered.
      expect(await store.recordDelivery(key, record)).toBe(false);
      await store.closePartitions({
        now: hour(11),
        graceMs: 0,
        watermark: hour(11),
      });
      const claim = {
        owner: 'r1',
        leaseMs: 60_000,
        now: new Date(Date.UTC(2026, 10, 23, 10, 6)),
        limit: 10,
      };
      expect(await store.claimClosed(claim)).toHaveLength(1);
      expect(await store.recordDelivery(key, record)).toBe(true);
      expect(await store.recordDelivery(key, record)).toBe(false);

      const [partition] = await store.listPartitions({ state: 'delivered' });
      expect(partition).toMatchObject({
        state: 'delivered',
        counts: {
          received: 20,
          duplicates: 4,
          conflicts: 1,
          failed: 2,
          delivered: 15,
        },
        deliveredAt: '2026-11-23T10:07:00.000Z',
        latenessMs: 420_000,
        clientDelayMs: { p50: 120, p95: 4000, max: 90_000 },
      });
      const [attempts] = await knex('partitions').select('delivery_attempts');
      expect(Number(attempts.delivery_attempts)).toBe(1);
      expect(
        await store.listDeliveredStarts('com.example.a', hour(8), hour(10)),
      ).toEqual([hour(9).getTime()]);

      // The export is due at once, retried after a failure, done after success.
      const now = new Date(Date.UTC(2026, 10, 23, 10, 8));
      const exportClaim = (at: Date) =>
        store.claimPendingExports({ now: at, leaseMs: 600_000, limit: 10 });
      const [pending] = await exportClaim(now);
      expect(pending).toEqual({ ...key, exporter: 'warehouse', attempts: 0 });
      // Claimed: not offered again during its lease.
      expect(await exportClaim(now)).toEqual([]);
      await store.recordExport(pending, {
        ok: false,
        at: now,
        error: 'quota exceeded',
        retryAt: new Date(now.getTime() + 30_000),
      });
      expect(await exportClaim(now)).toEqual([]);
      const later = new Date(now.getTime() + 31_000);
      expect(await exportClaim(later)).toEqual([
        { ...key, exporter: 'warehouse', attempts: 1 },
      ]);
      await store.recordExport(pending, { ok: true, at: later });
      expect(await exportClaim(new Date(later.getTime() + 3_600_000))).toEqual(
        [],
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'lists the newest partitions first when limited, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.recordRawFiles(
        [8, 9, 10].map(h => rawFile('com.example.a', h, `p${h}`)),
        hour(11),
      );
      expect(
        (await store.listPartitions({ limit: 2 })).map(p => p.start),
      ).toEqual(['2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z']);
    },
  );

  it.each(databases.eachSupportedId())(
    'claims closed partitions in order per type, once, until the lease expires, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.recordRawFiles(
        [
          rawFile('com.example.a', 8, 'p8'),
          rawFile('com.example.a', 9, 'p9'),
          rawFile('com.example.b', 9, 'q9'),
        ],
        hour(8),
      );
      await store.closePartitions({
        now: hour(11),
        graceMs: 0,
        watermark: hour(11),
      });
      const now = hour(11);
      const claim = (owner: string, at: Date, limit = 10) =>
        store.claimClosed({ owner, leaseMs: 60_000, now: at, limit });
      const describe = (ps: { eventType: string; start: number }[]) =>
        ps.map(p => `${p.eventType} ${new Date(p.start).getUTCHours()}`);

      // a 9:00 waits for a 8:00, which is not delivered yet.
      expect(describe(await claim('r1', now))).toEqual([
        'com.example.a 8',
        'com.example.b 9',
      ]);
      // Held: another replica gets nothing.
      expect(await claim('r2', now)).toEqual([]);
      // r1 lets b go (a failure), keeps a 8:00 alive, and delivers it.
      const b = {
        eventType: 'com.example.b',
        start: hour(9).getTime(),
        end: hour(10).getTime(),
      };
      const a8 = {
        eventType: 'com.example.a',
        start: hour(8).getTime(),
        end: hour(9).getTime(),
      };
      await store.releaseDelivery(b, 'r1');
      expect(describe(await claim('r2', now))).toEqual(['com.example.b 9']);
      expect(
        await store.renewDelivery(a8, { owner: 'r1', leaseMs: 60_000, now }),
      ).toBe(true);
      expect(
        await store.renewDelivery(a8, { owner: 'r2', leaseMs: 60_000, now }),
      ).toBe(false);
      await store.recordDelivery(a8, {
        delivered: 10,
        duplicates: 0,
        conflicts: 0,
        deliveredAt: now,
        exporters: [],
      });
      // Now a 9:00 may go; r2 dies with b, whose lease expires after 60 s.
      expect(describe(await claim('r1', now))).toEqual(['com.example.a 9']);
      expect(await claim('r1', new Date(now.getTime() + 59_000))).toEqual([]);
      // Past the lease, r2's b and r1's own unrenewed a 9:00 are free again.
      expect(
        describe(await claim('r1', new Date(now.getTime() + 61_000))),
      ).toEqual(['com.example.a 9', 'com.example.b 9']);

      const attempts = await knex('partitions')
        .orderBy(['event_type', 'start'])
        .select('delivery_attempts');
      expect(attempts.map(row => Number(row.delivery_attempts))).toEqual([
        1, 2, 3,
      ]);
    },
  );
});
