import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { Completionist } from './Completionist';

jest.setTimeout(60_000);

describe('Completionist', () => {
  const databases = TestDatabases.create();
  const minute = (m: number) => new Date(Date.UTC(2026, 10, 23, 10, m));

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    // One-minute partitions 10:00 and 10:01.
    await stores.consumer.recordRawFiles(
      [0, 1].map(m => ({
        path: `raw/t/${m}.ndjson.gz`,
        eventType: 't',
        partitionStart: minute(m).getTime(),
        partitionEnd: minute(m + 1).getTime(),
        events: 1,
        bytes: 10,
      })),
      minute(0),
    );
    let now = minute(0);
    const completionist = new Completionist({
      store: stores.completion,
      transportName: 'local',
      graceMs: 10_000,
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    const states = async () =>
      (await stores.reader.listPartitions({})).map(p => p.state);
    return {
      stores,
      completionist,
      states,
      setNow: (d: Date) => {
        now = d;
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'closes nothing before any consumer reported progress, %p',
    async databaseId => {
      const { completionist, states, setNow } = await setUp(databaseId);
      setNow(minute(30));
      expect(await completionist.runOnce()).toEqual([]);
      expect(await states()).toEqual(['open', 'open']);
    },
  );

  it.each(databases.eachSupportedId())(
    'waits for both the grace period and the consumer watermark, %p',
    async databaseId => {
      const { stores, completionist, states, setNow } = await setUp(databaseId);
      await stores.consumer.setConsumerProgress(
        'local',
        new Date(minute(1).getTime() + 5_000),
      );
      // 10:01:05: 10:00 ended, but its grace runs to 10:01:10.
      setNow(new Date(minute(1).getTime() + 5_000));
      expect(await completionist.runOnce()).toEqual([]);

      // 10:05: grace passed for both, but the consumer only got to 10:01:05.
      setNow(minute(5));
      expect(await completionist.runOnce()).toEqual([
        {
          eventType: 't',
          start: minute(0).getTime(),
          end: minute(1).getTime(),
        },
      ]);
      expect(await states()).toEqual(['closed', 'open']);

      // A watermark for another transport (a config change) does not count.
      await stores.consumer.setConsumerProgress('database', minute(5));
      expect(await completionist.runOnce()).toEqual([]);

      await stores.consumer.setConsumerProgress('local', minute(5));
      expect(await completionist.runOnce()).toHaveLength(1);
      expect(await states()).toEqual(['closed', 'closed']);
      // Idempotent: nothing left to close, closedAt kept.
      const closedAt = (await stores.reader.listPartitions({})).map(
        p => p.closedAt,
      );
      setNow(minute(9));
      expect(await completionist.runOnce()).toEqual([]);
      expect(
        (await stores.reader.listPartitions({})).map(p => p.closedAt),
      ).toEqual(closedAt);
    },
  );
});
