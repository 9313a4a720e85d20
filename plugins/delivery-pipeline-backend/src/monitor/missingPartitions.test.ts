import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createPartitionStores } from '../database/__testUtils__/createPartitionStores';
import { EventTypePolicy } from '../policies/EventTypePolicies';
import { MissingPartitionsCheck } from './missingPartitions';

jest.setTimeout(60_000);

describe('MissingPartitionsCheck', () => {
  const databases = TestDatabases.create();
  const HOUR = 3_600_000;
  const hour = (h: number) => Date.UTC(2026, 10, 23, h);
  const policy = (eventType: string, registered: boolean): EventTypePolicy => ({
    eventType,
    registered,
    maxLatenessMs: 2 * HOUR,
    maxLateness: 'PT2H',
    slaSource: 'registry',
    retention: {},
  });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const stores = await createPartitionStores(knex);
    const logger = mockServices.logger.mock();
    const signals = { publish: jest.fn() };
    const check = new MissingPartitionsCheck({
      openings: stores.completion,
      policies: {
        async get(eventType) {
          return policy(eventType, eventType !== 'deleted');
        },
      },
      widthMs: HOUR,
      logger,
      signals,
    });
    // Every type's partitions are opened until 10:00.
    for (const eventType of ['quiet', 'deleted']) {
      await stores.completion.openPartitions({
        eventType,
        windows: [{ start: hour(9), end: hour(10) }],
        openedUntil: hour(10),
      });
    }
    return { stores, check, logger, signals };
  }

  it.each(databases.eachSupportedId())(
    'alarms on windows with no partition past their deadline, not on quiet or deleted types, %p',
    async databaseId => {
      const { stores, check, logger, signals } = await setUp(databaseId);
      // 12:30: 10:00's deadline is 13:00: nothing missing yet.
      expect(
        await check.runOnce({ now: new Date(hour(12) + HOUR / 2) }),
      ).toEqual([]);

      // 14:00: 10:00 and 11:00 are past their deadline with no partition
      // (the completionist stalled); the deleted type does not count.
      expect(await check.runOnce({ now: new Date(hour(14)) })).toEqual([
        { eventType: 'quiet', since: new Date(hour(10)), windows: 2 },
      ]);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('quiet has no partition for 2 window(s)'),
      );
      // Said once, not every run; signalled once too.
      await check.runOnce({ now: new Date(hour(14) + 60_000) });
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(signals.publish.mock.calls).toEqual([
        [
          {
            eventType: 'quiet',
            partitionStart: new Date(hour(10)),
            state: 'missing',
          },
        ],
      ]);

      // The completionist catches up: the windows have partitions again.
      await stores.completion.openPartitions({
        eventType: 'quiet',
        windows: [
          { start: hour(10), end: hour(11) },
          { start: hour(11), end: hour(12) },
        ],
        openedUntil: hour(12),
      });
      expect(await check.runOnce({ now: new Date(hour(14)) })).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        'quiet has a partition for every window again',
      );
    },
  );
});
