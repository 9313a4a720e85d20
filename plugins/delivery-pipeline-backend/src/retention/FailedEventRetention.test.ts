import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseFailedEventStore } from '../database/DatabaseFailedEventStore';
import {
  closeMemoryDatabases,
  memoryDatabase,
} from '../personalData/__testUtils__/testKeychain';
import { FailedEventRetention } from './FailedEventRetention';

afterEach(closeMemoryDatabases);

describe('FailedEventRetention', () => {
  it('deletes failed events received longer ago than the retention, and logs it', async () => {
    const failedEvents = new DatabaseFailedEventStore(await memoryDatabase());
    const day = 86_400_000;
    const now = new Date('2026-12-07T12:00:00Z');
    await failedEvents.add(
      [8, 7.5, 6.9, 1].map(daysAgo => ({
        receivedAt: new Date(now.getTime() - daysAgo * day),
        eventId: `${daysAgo}`,
        reason: 'r',
        payload: 'sealed',
        keyId: 'k',
        payloadTruncated: false,
      })),
    );
    const logger = mockServices.logger.mock();
    const retention = new FailedEventRetention({
      failedEvents,
      retentionMs: 7 * day,
      logger,
      now: () => now,
    });

    expect(await retention.runOnce()).toBe(2);
    const left = await failedEvents.list({ limit: 10 });
    expect(left.items.map(e => e.eventId)).toEqual(['1', '6.9']);
    expect(logger.info).toHaveBeenCalledWith(
      'Retention deleted 2 failed events received before 2026-11-30T12:00:00.000Z',
    );
    expect(await retention.runOnce()).toBe(0);
  });
});
