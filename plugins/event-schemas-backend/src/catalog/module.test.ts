import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsServiceSubscribeOptions } from '@backstage/plugin-events-node';
import { catalogModuleEventTypes } from '../module';
import { EVENT_SCHEMAS_TOPIC } from '@data-collection/plugin-event-schemas-common';
import { FULL_SYNC_TASK_ID } from './EventTypeEntityProvider';

describe('catalogModuleEventTypes', () => {
  async function startModule(config: JsonObject = {}) {
    const addEntityProvider = jest.fn();
    const scheduler = mockServices.scheduler.mock();
    const events = mockServices.events.mock();
    const logger = mockServices.logger.mock();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider }],
      ],
      features: [
        catalogModuleEventTypes,
        scheduler.factory,
        events.factory,
        logger.factory,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' }, ...config },
        }),
      ],
    });

    expect(addEntityProvider).toHaveBeenCalledTimes(1);
    const provider: EntityProvider = addEntityProvider.mock.calls[0][0];
    const connection: jest.Mocked<EntityProviderConnection> = {
      applyMutation: jest.fn(),
      refresh: jest.fn(),
    };
    await provider.connect(connection);

    expect(events.subscribe).toHaveBeenCalledTimes(1);
    const subscription: EventsServiceSubscribeOptions =
      events.subscribe.mock.calls[0][0];
    return { provider, connection, scheduler, logger, subscription };
  }

  it('registers the provider and schedules its full sync', async () => {
    const { provider, scheduler } = await startModule();

    expect(provider.getProviderName()).toBe('event-schemas');
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: FULL_SYNC_TASK_ID,
      frequency: { minutes: 30 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 15 },
      scope: 'global',
      fn: expect.any(Function),
    });
  });

  it('takes the schedule from config, keeping the default initial delay', async () => {
    const { scheduler } = await startModule({
      eventSchemas: {
        catalog: {
          schedule: { frequency: { minutes: 5 }, timeout: 'PT1M' },
        },
      },
    });

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: FULL_SYNC_TASK_ID,
        frequency: { minutes: 5 },
        timeout: { minutes: 1 },
        initialDelay: { seconds: 15 },
        scope: 'global',
      }),
    );
  });

  it('applies the changes the registry publishes', async () => {
    const { connection, logger, subscription } = await startModule();
    expect(subscription.topics).toEqual([EVENT_SCHEMAS_TOPIC]);

    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { action: 'deleted', eventType: 'com.example.gone' },
    });
    await subscription.onEvent({
      topic: EVENT_SCHEMAS_TOPIC,
      eventPayload: { something: 'else' },
    });

    expect(logger.warn).toHaveBeenCalledWith(
      'Ignored an event on topic event-schemas without action and event type',
    );
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'delta',
      added: [],
      removed: [
        {
          entityRef: 'api:default/com.example.gone',
          locationKey: 'event-schemas:com.example.gone',
        },
      ],
    });
  });
});
