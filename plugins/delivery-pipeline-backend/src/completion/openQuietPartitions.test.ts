import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { Completionist } from './Completionist';
import { QuietPartitionOpener } from './openQuietPartitions';

jest.setTimeout(60_000);

describe('QuietPartitionOpener', () => {
  const databases = TestDatabases.create();
  const HOUR = 3_600_000;
  const hour = (h: number) => Date.UTC(2026, 10, 23, h);

  async function setUp(
    databaseId: TestDatabaseId,
    options?: { maxWindowsPerRun?: number; maxBackfillMs?: number },
  ) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    let eventTypes: Array<{ name: string; createdAt: string }> = [];
    let registryDown = false;
    const opener = new QuietPartitionOpener({
      store: stores.completion,
      eventTypes: {
        async listEventTypes() {
          if (registryDown) throw new Error('registry unreachable');
          return eventTypes;
        },
      },
      widthMs: HOUR,
      graceMs: 60_000,
      maxBackfillMs: options?.maxBackfillMs ?? 7 * 24 * HOUR,
      maxWindowsPerRun: options?.maxWindowsPerRun ?? 1000,
      logger: mockServices.logger.mock(),
    });
    let now = new Date(hour(0));
    const completionist = new Completionist({
      store: stores.completion,
      transportName: 'local',
      graceMs: 60_000,
      logger: mockServices.logger.mock(),
      now: () => now,
      quietPartitions: opener,
    });
    /** Runs the completionist at `h` o'clock plus 5 minutes, the consumer at `h`. */
    const runAt = async (h: number) => {
      now = new Date(hour(h) + 5 * 60_000);
      await stores.consumer.setConsumerProgress('local', new Date(hour(h)));
      return completionist.runOnce();
    };
    /** `type@hour:state`, oldest first per type. */
    const listed = async () =>
      (await stores.reader.listPartitions({})).map(
        p =>
          `${p.eventType}@${(Date.parse(p.start) - hour(0)) / HOUR}:${p.state}`,
      );
    return {
      stores,
      opener,
      runAt,
      listed,
      setEventTypes: (types: typeof eventTypes) => {
        eventTypes = types;
      },
      setRegistryDown: (down: boolean) => {
        registryDown = down;
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'opens and closes a quiet type from its registration on, never before the first run, %p',
    async databaseId => {
      const { runAt, listed, setEventTypes } = await setUp(databaseId);
      setEventTypes([
        // Registered years ago: the pipeline's first run is the floor.
        { name: 'old', createdAt: '2020-01-01T00:00:00.000Z' },
        // Registered at 02:30, after the first run: its window is 02:00.
        {
          name: 'new',
          createdAt: new Date(hour(2) + 30 * 60_000).toISOString(),
        },
      ]);
      // The first run, at 01:05, records the floor: nothing before 01:00.
      expect(await runAt(1)).toEqual([]);
      expect(await listed()).toEqual([]);

      // At 04:05 with the consumer at 04:00: windows 01–03 of `old`, 02–03
      // of `new`, opened and closed in the same run; 04:00 is not over yet.
      const closed = await runAt(4);
      expect(closed).toHaveLength(5);
      expect(await listed()).toEqual([
        'new@2:closed',
        'new@3:closed',
        'old@1:closed',
        'old@2:closed',
        'old@3:closed',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves partitions with events as the consumer made them, %p',
    async databaseId => {
      const { stores, runAt, listed, setEventTypes } = await setUp(databaseId);
      setEventTypes([
        { name: 't', createdAt: new Date(hour(0)).toISOString() },
      ]);
      await runAt(0);
      await stores.consumer.recordRawFiles(
        [
          {
            path: 'raw/t/1.ndjson.gz',
            eventType: 't',
            partitionStart: hour(1),
            partitionEnd: hour(2),
            events: 4,
            bytes: 40,
          },
        ],
        new Date(hour(1)),
      );
      await runAt(3);
      expect(await listed()).toEqual([
        't@0:closed',
        't@1:closed',
        't@2:closed',
      ]);
      const received = (await stores.reader.listPartitions({})).map(
        p => p.counts.received,
      );
      expect(received).toEqual([0, 4, 0]);
    },
  );

  it.each(databases.eachSupportedId())(
    'opens at most the run limit, oldest windows first, and goes on next run, %p',
    async databaseId => {
      const { opener, runAt, listed, setEventTypes } = await setUp(databaseId, {
        maxWindowsPerRun: 3,
      });
      setEventTypes([
        { name: 'a', createdAt: new Date(hour(0)).toISOString() },
      ]);
      await runAt(0);
      setEventTypes([
        { name: 'a', createdAt: new Date(hour(0)).toISOString() },
        { name: 'b', createdAt: new Date(hour(2)).toISOString() },
      ]);
      // Consumer at 04:00: a needs 0–3 (4 windows), b 2–3; 3 per run.
      await runAt(4);
      expect(await listed()).toEqual([
        'a@0:closed',
        'a@1:closed',
        'a@2:closed',
      ]);
      await runAt(4);
      expect(await listed()).toEqual([
        'a@0:closed',
        'a@1:closed',
        'a@2:closed',
        'a@3:closed',
        'b@2:closed',
        'b@3:closed',
      ]);
      // Caught up: a run opens nothing more until the watermark moves.
      expect(
        await opener.runOnce({
          watermark: new Date(hour(4)),
          now: new Date(hour(4) + 60_000),
        }),
      ).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'opens a window only once its grace has passed too, so it closes at once, %p',
    async databaseId => {
      const { opener, runAt, listed, setEventTypes } = await setUp(databaseId);
      setEventTypes([
        { name: 't', createdAt: new Date(hour(0)).toISOString() },
      ]);
      await runAt(0);
      // The consumer is past 01:00, but 01:00 + the minute's grace is not.
      expect(
        await opener.runOnce({
          watermark: new Date(hour(1) + 1000),
          now: new Date(hour(1) + 30_000),
        }),
      ).toBe(0);
      expect(
        await opener.runOnce({
          watermark: new Date(hour(1) + 1000),
          now: new Date(hour(1) + 60_000),
        }),
      ).toBe(1);
      expect(await listed()).toEqual(['t@0:open']);
    },
  );

  it.each(databases.eachSupportedId())(
    'opens nothing older than the maximum backfill, %p',
    async databaseId => {
      const { runAt, listed, setEventTypes } = await setUp(databaseId, {
        maxBackfillMs: 2 * HOUR,
      });
      setEventTypes([
        { name: 't', createdAt: new Date(hour(0)).toISOString() },
      ]);
      // The first run at 00:05 sets the floor, but the consumer only comes
      // back at 10:00: only the last two hours' windows (08:05 rounds down
      // to 08:00) are opened.
      await runAt(0);
      await runAt(10);
      expect(await listed()).toEqual(['t@8:closed', 't@9:closed']);
    },
  );

  it.each(databases.eachSupportedId())(
    'stops opening partitions of a deleted type, %p',
    async databaseId => {
      const { runAt, listed, setEventTypes } = await setUp(databaseId);
      setEventTypes([
        { name: 'kept', createdAt: new Date(hour(0)).toISOString() },
        { name: 'gone', createdAt: new Date(hour(0)).toISOString() },
      ]);
      await runAt(0);
      await runAt(2);
      setEventTypes([
        { name: 'kept', createdAt: new Date(hour(0)).toISOString() },
      ]);
      await runAt(4);
      expect(await listed()).toEqual([
        'gone@0:closed',
        'gone@1:closed',
        'kept@0:closed',
        'kept@1:closed',
        'kept@2:closed',
        'kept@3:closed',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'still closes partitions with events while the registry is down, %p',
    async databaseId => {
      const { stores, runAt, listed, setEventTypes, setRegistryDown } =
        await setUp(databaseId);
      setEventTypes([
        { name: 't', createdAt: new Date(hour(0)).toISOString() },
      ]);
      await runAt(0);
      await stores.consumer.recordRawFiles(
        [
          {
            path: 'raw/busy/1.ndjson.gz',
            eventType: 'busy',
            partitionStart: hour(1),
            partitionEnd: hour(2),
            events: 1,
            bytes: 10,
          },
        ],
        new Date(hour(1)),
      );
      setRegistryDown(true);
      await runAt(2);
      expect(await listed()).toEqual(['busy@1:closed']);
      // Back up: the quiet windows missed meanwhile are opened.
      setRegistryDown(false);
      await runAt(2);
      expect(await listed()).toEqual([
        'busy@1:closed',
        't@0:closed',
        't@1:closed',
      ]);
    },
  );
});
