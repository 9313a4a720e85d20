import { mockServices } from '@backstage/backend-test-utils';
import { EVENT_SCHEMAS_TOPIC } from '@data-collection/plugin-event-schemas-common';
import { subscribeToEventTypeChanges } from './subscribeToEventTypeChanges';

describe('subscribeToEventTypeChanges', () => {
  it('hands the changes to the provider and skips malformed events', async () => {
    const events = mockServices.events.mock();
    const logger = mockServices.logger.mock();
    const provider = { applyChange: jest.fn(async () => {}) };

    await subscribeToEventTypeChanges({
      events,
      id: 'widgets-entity-provider',
      logger,
      provider,
    });

    expect(events.subscribe).toHaveBeenCalledTimes(1);
    const [subscription] = events.subscribe.mock.calls[0];
    expect(subscription).toMatchObject({
      id: 'widgets-entity-provider',
      topics: [EVENT_SCHEMAS_TOPIC],
    });

    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { action: 'deleted', eventType: 'com.example.gone' },
    });
    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { something: 'else' },
    });

    expect(provider.applyChange).toHaveBeenCalledTimes(1);
    expect(provider.applyChange).toHaveBeenCalledWith({
      action: 'deleted',
      eventType: 'com.example.gone',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'Ignored an event on topic event-schemas without action and event type',
    );
  });
});
