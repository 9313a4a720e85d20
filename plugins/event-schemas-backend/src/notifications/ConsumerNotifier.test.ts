import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { JsonObject } from '@backstage/types';
import { ConsumerNotifier } from './ConsumerNotifier';

const NAME = 'com.example.playback.started';

const eventType = {
  name: NAME,
  owner: 'group:default/playback',
  compatibility: 'BACKWARD',
} as EventType;
const version = {
  eventType: NAME,
  version: 2,
  createdBy: 'user:default/alice',
} as EventTypeVersion;

/** A component of group `insights` that consumes the type's API. */
const consumer = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'listening-stats', namespace: 'default' },
  spec: { owner: 'insights', consumesApis: [NAME] },
  relations: [{ type: 'consumesApi', targetRef: `api:default/${NAME}` }],
};

function setup(config: JsonObject = {}) {
  const sent: NotificationSendOptions[] = [];
  const notifier = new ConsumerNotifier({
    catalog: catalogServiceMock({ entities: [consumer] }),
    notifications: {
      send: async options => {
        sent.push(options);
      },
    },
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    config: mockServices.rootConfig({ data: config }),
  });
  return { notifier, sent };
}

describe('ConsumerNotifier', () => {
  it("tells the consumers' owners of a new version, linking to the versions tab", async () => {
    const { notifier, sent } = setup();

    await notifier.notify({ action: 'version-added', eventType, version });

    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: ['group:default/insights'] },
        payload: expect.objectContaining({
          title: `${NAME}: schema version 2 registered`,
          link: `/event-types/${NAME}/versions`,
          topic: NAME,
          scope: `event-schemas:${NAME}:version:2`,
        }),
      },
    ]);
  });

  it('says when a version was accepted under the CONSUMERS scope', async () => {
    const { notifier, sent } = setup();

    await notifier.notify({
      action: 'version-added',
      eventType,
      version: {
        ...version,
        consumerCheck: {
          problems: [
            {
              field: 'country',
              rule: 'maxLength',
              message: '/properties/country/maxLength: added (2)',
            },
          ],
          consumers: [{ entityRef: 'component:default/listening-stats' }],
        },
      },
    });

    expect(sent[0].payload.description).toContain(
      'breaks BACKWARD compatibility only in fields no consumer declares it reads (accepted under the CONSUMERS scope): /properties/country/maxLength: added (2)',
    );
  });

  it('links under eventSchemas.portal.eventTypesPath', async () => {
    const { notifier, sent } = setup({
      eventSchemas: { portal: { eventTypesPath: '/data/events' } },
    });

    await notifier.notify({
      action: 'updated',
      eventType,
      changes: { deprecation: { reason: 'Replaced.' } },
    } as Parameters<ConsumerNotifier['notify']>[0]);

    expect(sent.map(s => [s.payload.title, s.payload.link])).toEqual([
      [`${NAME} is deprecated`, `/data/events/${NAME}/overview`],
    ]);
  });
});
