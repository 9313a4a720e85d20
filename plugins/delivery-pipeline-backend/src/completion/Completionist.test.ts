import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePartitionStore } from '../database/DatabasePartitionStore';
import { migrateDatabase } from '../database/migrateDatabase';
import { Completionist } from './Completionist';

describe('Completionist', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const minute = (m: number) => new Date(Date.UTC(2026, 10, 23, 10, m));

  async function setUp() {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const partitions = new DatabasePartitionStore(knex);
    // One-minute partitions 10:00 and 10:01.
    await partitions.recordRawFiles(
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
      partitions,
      transportName: 'local',
      graceMs: 10_000,
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    const states = async () =>
      (await partitions.listPartitions({})).map(p => p.state);
    return {
      partitions,
      completionist,
      states,
      setNow: (d: Date) => {
        now = d;
      },
    };
  }

  it('closes nothing before any consumer reported progress', async () => {
    const { completionist, states, setNow } = await setUp();
    setNow(minute(30));
    expect(await completionist.runOnce()).toEqual([]);
    expect(await states()).toEqual(['open', 'open']);
  });

  it('waits for both the grace period and the consumer watermark', async () => {
    const { partitions, completionist, states, setNow } = await setUp();
    await partitions.setConsumerProgress(
      'local',
      new Date(minute(1).getTime() + 5_000),
    );
    // 10:01:05: 10:00 ended, but its grace runs to 10:01:10.
    setNow(new Date(minute(1).getTime() + 5_000));
    expect(await completionist.runOnce()).toEqual([]);

    // 10:05: grace passed for both, but the consumer only got to 10:01:05.
    setNow(minute(5));
    expect(await completionist.runOnce()).toEqual([
      { eventType: 't', start: minute(0).getTime(), end: minute(1).getTime() },
    ]);
    expect(await states()).toEqual(['closed', 'open']);

    // A watermark for another transport (a config change) does not count.
    await partitions.setConsumerProgress('database', minute(5));
    expect(await completionist.runOnce()).toEqual([]);

    await partitions.setConsumerProgress('local', minute(5));
    expect(await completionist.runOnce()).toHaveLength(1);
    expect(await states()).toEqual(['closed', 'closed']);
    // Idempotent: nothing left to close, closedAt kept.
    const closedAt = (await partitions.listPartitions({})).map(p => p.closedAt);
    setNow(minute(9));
    expect(await completionist.runOnce()).toEqual([]);
    expect((await partitions.listPartitions({})).map(p => p.closedAt)).toEqual(
      closedAt,
    );
  });
});
