import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload } from '@backstage/plugin-signals-node';
import { EventTypePolicy } from '../policies/EventTypePolicies';
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

  it("sends to the members of the type's owner group when the audience is owners, and to nobody for a type without an owner", async () => {
    const sent: SignalPayload[] = [];
    const signals = new PartitionSignals({
      signals: {
        publish: async signal => {
          sent.push(signal as SignalPayload);
        },
      },
      logger: mockServices.logger.mock(),
      audience: 'owners',
      policies: {
        get: async eventType =>
          ({
            eventType,
            registered: eventType === 'com.example.a',
            owner:
              eventType === 'com.example.a'
                ? 'group:default/playback'
                : undefined,
          } as EventTypePolicy),
      },
    });

    signals.publish({
      eventType: 'com.example.a',
      partitionStart: Date.UTC(2026, 10, 23, 9),
      state: 'delivered',
    });
    signals.publish({
      eventType: 'com.example.deleted',
      partitionStart: Date.UTC(2026, 10, 23, 9),
      state: 'delivered',
    });
    await new Promise(resolve => setTimeout(resolve, 10));

    expect(sent).toEqual([
      {
        recipients: { type: 'user', entityRef: 'group:default/playback' },
        channel: 'delivery-pipeline:partitions',
        message: {
          eventType: 'com.example.a',
          partitionStart: '2026-11-23T09:00:00.000Z',
          state: 'delivered',
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
