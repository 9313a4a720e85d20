import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  createPartitionStores,
  hour,
} from './__testUtils__/createPartitionStores';

jest.setTimeout(60_000);

// What the consumer records: raw files, counters, its progress.
describe('DatabaseConsumerStore', () => {
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
    'adds raw files to their partitions counters, opening new partitions, %p',
    async databaseId => {
      const { knex, stores } = await createStore(databaseId);
      const file = (name: string, h: number, events: number) => ({
        path: `raw/com.example.a/2026-11-23/${h}/${name}.ndjson.gz`,
        eventType: 'com.example.a',
        partitionStart: hour(h).getTime(),
        partitionEnd: hour(h + 1).getTime(),
        events,
        bytes: events * 100,
      });
      await stores.consumer.recordRawFiles(
        [file('p1', 9, 3), file('p2', 9, 4), file('p3', 10, 1)],
        hour(11),
      );
      await stores.consumer.recordRawFiles([file('p4', 9, 5)], hour(11));

      expect(
        (
          await stores.reader.listPartitions({ eventType: 'com.example.a' })
        ).map(p => [p.start, p.state, p.counts.received, p.counts.bytes]),
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
      const { stores } = await createStore(databaseId);
      expect(
        await stores.consumer.getConsumerProgress('local'),
      ).toBeUndefined();
      await stores.consumer.setConsumerProgress('local', hour(10));
      await stores.consumer.setConsumerProgress('local', hour(9));
      expect(await stores.consumer.getConsumerProgress('local')).toEqual(
        hour(10),
      );
      await stores.consumer.setConsumerProgress('local', hour(11));
      expect(await stores.consumer.getConsumerProgress('local')).toEqual(
        hour(11),
      );
      expect(
        await stores.consumer.getConsumerProgress('database'),
      ).toBeUndefined();
    },
  );
});
