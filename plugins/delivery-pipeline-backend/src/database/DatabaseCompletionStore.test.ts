import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  createPartitionStores,
  hour,
  rawFile,
} from './__testUtils__/createPartitionStores';

jest.setTimeout(60_000);

// What the completionist records: closes, once.
describe('DatabaseCompletionStore', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  // Every stage's store on one database: the stages before this one's set
  // the rows up, as they do in the pipeline.
  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    return { knex, stores: await createPartitionStores(knex) };
  }

  it.each(databases.eachSupportedId())(
    'closes open partitions past the grace period and the watermark, once, %p',
    async databaseId => {
      const { stores } = await createStore(databaseId);
      await stores.consumer.recordRawFiles(
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
        await stores.completion.closePartitions({
          now: at(10, 3),
          graceMs: 300_000,
          watermark: at(10, 3),
        }),
      ).toEqual([]);
      // 10:06 with the consumer behind 10:00: still nothing.
      expect(
        await stores.completion.closePartitions({
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
        stores.completion.closePartitions(options),
        stores.completion.closePartitions(options),
      ]);
      const closed = [...first, ...second]
        .map(p => `${p.eventType} ${new Date(p.start).toISOString()}`)
        .sort();
      expect(closed).toEqual([
        'com.example.a 2026-11-23T09:00:00.000Z',
        'com.example.b 2026-11-23T09:00:00.000Z',
      ]);
      expect(await stores.completion.closePartitions(options)).toEqual([]);

      const listed = await stores.reader.listPartitions({});
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
        (await stores.dedupe.claimClosed(claim)).map(p => [
          p.eventType,
          p.start,
          p.end,
        ]),
      ).toEqual([
        ['com.example.a', hour(9).getTime(), hour(10).getTime()],
        ['com.example.b', hour(9).getTime(), hour(10).getTime()],
      ]);
      expect(
        (await stores.reader.listPartitions({ state: 'open' })).map(
          p => p.start,
        ),
      ).toEqual(['2026-11-23T10:00:00.000Z']);
    },
  );
});
