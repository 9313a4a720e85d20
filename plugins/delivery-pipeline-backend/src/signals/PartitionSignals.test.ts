import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { PartitionSignals } from './PartitionSignals';

describe('PartitionSignals', () => {
  it('broadcasts the type, the partition start and the state, nothing more', async () => {
    const sent: SignalPayload[] = [];
    const signals = new PartitionSignals({
      signals: {
        publish: async signal => {
          sent.push(signal as SignalPayload);
        },
      },
      logger: mockServices.logger.mock(),
    });

    signals.publish({
      eventType: 'com.example.a',
      partitionStart: Date.UTC(2026, 10, 23, 9),
      state: 'late',
    });
    await new Promise(setImmediate);

    expect(sent).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'delivery-pipeline:partitions',
        message: {
          eventType: 'com.example.a',
          partitionStart: '2026-11-23T09:00:00.000Z',
          state: 'late',
        },
      },
    ]);
  });

  it('logs a failed publish instead of throwing it at the stage', async () => {
    const logger = mockServices.logger.mock();
    const signals = new PartitionSignals({
      signals: {
        publish: async () => {
          throw new Error('events backend unavailable');
        },
      },
      logger,
    });

    expect(() =>
      signals.publish({
        eventType: 'com.example.a',
        partitionStart: new Date(Date.UTC(2026, 10, 23, 9)),
        state: 'delivered',
      }),
    ).not.toThrow();
    await new Promise(setImmediate);

    expect(logger.warn).toHaveBeenCalledWith(
      'Could not signal that partition com.example.a 2026-11-23T09:00:00.000Z is delivered; open pages see it at their next poll',
      expect.objectContaining({ message: 'events backend unavailable' }),
    );
  });
});
