import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EventTypeConsumers } from './EventTypeConsumers';

const NAME = 'com.example.playback.started';

const consumer = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'listening-stats', namespace: 'default' },
  spec: { owner: 'insights', consumesApis: [NAME] },
  relations: [{ type: 'consumesApi', targetRef: `api:default/${NAME}` }],
};

describe('EventTypeConsumers', () => {
  it('finds the consumers of a type with their owner and the fields they read', async () => {
    const consumers = new EventTypeConsumers({
      catalog: catalogServiceMock({
        entities: [
          {
            ...consumer,
            metadata: {
              ...consumer.metadata,
              title: 'Listening stats',
              annotations: {
                'event-schemas/fields-read': ' track_id, ,user.id ',
              },
            },
          },
        ],
      }),
      auth: mockServices.auth(),
    });
    expect(await consumers.list(NAME)).toEqual([
      {
        entityRef: 'component:default/listening-stats',
        title: 'Listening stats',
        owner: 'group:default/insights',
        fieldsRead: ['track_id', 'user.id'],
      },
    ]);
    expect(await consumers.list('com.example.other')).toEqual([]);
  });

  it('reads every field of a consumer without the annotation, and skips an invalid owner', async () => {
    const consumers = new EventTypeConsumers({
      catalog: catalogServiceMock({
        entities: [{ ...consumer, spec: { ...consumer.spec, owner: 42 } }],
      }),
      auth: mockServices.auth(),
    });
    expect(await consumers.list(NAME)).toEqual([
      { entityRef: 'component:default/listening-stats' },
    ]);
  });
});
