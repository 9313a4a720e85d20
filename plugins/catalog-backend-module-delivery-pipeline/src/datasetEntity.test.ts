import { mockServices } from '@backstage/backend-test-utils';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import * as common from '@data-collection/plugin-delivery-pipeline-common';
import {
  ANNOTATION_DATASET_DATA_SUBJECT,
  ANNOTATION_DATASET_PERSONAL_DATA_FIELDS,
  ANNOTATION_DATASET_PERSONAL_DATA_STORAGE,
} from '@data-collection/plugin-delivery-pipeline-common';
import { eventTypeEntityName } from '@data-collection/plugin-event-schemas-common';
import {
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_DELIVERY_PAGE,
  ANNOTATION_DATASET_EVENT_TYPE,
  ANNOTATION_DATASET_LOCATION,
  ANNOTATION_DATASET_RAW_RETENTION,
  ANNOTATION_DATASET_SLA_MAX_LATENESS,
  datasetEntityName,
  datasetEntityRef,
  eventTypeToDatasetEntity,
} from './datasetEntity';
import { makeEventType } from './testFixtures';

const REGISTRY_URL = 'http://localhost:7007/api/event-schemas';
const APP_BASE_URL = 'http://localhost:3000';

/** The checks the catalog applies before it accepts an entity. */
async function expectAcceptedByCatalog(entity: Entity) {
  expect(() => entitySchemaValidator()(entity)).not.toThrow();
  await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
    true,
  );
  await expect(new FieldFormatEntityPolicy().enforce(entity)).resolves.toBe(
    entity,
  );
}

describe('eventTypeToDatasetEntity', () => {
  it('maps an event type to a valid dataset Resource that depends on its API', async () => {
    const entity = eventTypeToDatasetEntity({
      eventType: makeEventType(),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
      deliveredRoot: 'gs://events-bucket/delivered',
    });

    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'com.example.playback.started-dataset',
        title: 'com.example.playback.started (delivered)',
        description:
          "The deduplicated hourly dataset of the com.example.playback.started events: every accepted event once per (source, id), in hourly partitions by receive time, delivered once the hour is complete. An hour in which nothing was received is delivered empty (no rows), so an hour without a partition is a gap in delivery, never a quiet hour. user_id holds the person's pseudonym, not their id, the same in every event type until they are erased. The events: Sent when a track starts playing.",
        tags: ['playback', 'events'],
        annotations: {
          [ANNOTATION_LOCATION]:
            'url:http://localhost:7007/api/event-schemas/event-types/com.example.playback.started',
          [ANNOTATION_ORIGIN_LOCATION]:
            'url:http://localhost:7007/api/event-schemas/event-types/com.example.playback.started',
          [ANNOTATION_DATASET_EVENT_TYPE]: 'com.example.playback.started',
          [ANNOTATION_DATASET_LOCATION]:
            'gs://events-bucket/delivered/com.example.playback.started',
          [ANNOTATION_DATASET_RAW_RETENTION]: 'P7D',
          [ANNOTATION_DATASET_DELIVERED_RETENTION]: 'P400D',
          [ANNOTATION_DATASET_SLA_MAX_LATENESS]: 'PT2H',
          [ANNOTATION_DATASET_DELIVERY_PAGE]:
            'http://localhost:3000/event-types/com.example.playback.started/delivery',
          [ANNOTATION_DATASET_PERSONAL_DATA_FIELDS]: 'user_id',
          [ANNOTATION_DATASET_DATA_SUBJECT]: 'user_id',
          [ANNOTATION_DATASET_PERSONAL_DATA_STORAGE]:
            'encrypted-per-data-subject',
        },
        links: [
          {
            url: 'http://localhost:3000/event-types/com.example.playback.started/delivery',
            title: 'Delivery',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'dataset',
        owner: 'group:default/playback',
        dependsOn: ['api:default/com.example.playback.started'],
      },
    });
    await expectAcceptedByCatalog(entity);
  });

  it('links to the delivery page under eventSchemas.portal.eventTypesPath', () => {
    const entity = eventTypeToDatasetEntity({
      eventType: makeEventType(),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: {
          app: { baseUrl: APP_BASE_URL },
          eventSchemas: { portal: { eventTypesPath: '/data/events' } },
        },
      }),
    });
    expect(
      entity.metadata.annotations?.[ANNOTATION_DATASET_DELIVERY_PAGE],
    ).toBe(
      'http://localhost:3000/data/events/com.example.playback.started/delivery',
    );
  });

  it('leaves the location out while it is unknown, and joins it without double slashes', async () => {
    const eventType = makeEventType();
    const withoutRoot = eventTypeToDatasetEntity({
      eventType,
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: `${APP_BASE_URL}/` } },
      }),
    });
    expect(withoutRoot.metadata.annotations).not.toHaveProperty(
      ANNOTATION_DATASET_LOCATION,
    );
    expect(
      withoutRoot.metadata.annotations?.[ANNOTATION_DATASET_DELIVERY_PAGE],
    ).toBe(
      'http://localhost:3000/event-types/com.example.playback.started/delivery',
    );
    await expectAcceptedByCatalog(withoutRoot);

    const local = eventTypeToDatasetEntity({
      eventType,
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
      deliveredRoot: 'file:///var/lib/backstage/delivery-pipeline/delivered/',
    });
    expect(local.metadata.annotations?.[ANNOTATION_DATASET_LOCATION]).toBe(
      'file:///var/lib/backstage/delivery-pipeline/delivered/com.example.playback.started',
    );
  });

  it('falls back to the title and to no event description', () => {
    const withTitle = eventTypeToDatasetEntity({
      eventType: makeEventType({ description: undefined }),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });
    expect(withTitle.metadata.description).toMatch(
      / The events: Playback started$/,
    );

    const bare = eventTypeToDatasetEntity({
      eventType: makeEventType({
        description: undefined,
        title: undefined,
        personalDataFields: [],
        dataSubject: undefined,
      }),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });
    expect(bare.metadata.description).toMatch(/never a quiet hour\.$/);
  });

  it('says which fields are personal data, whose, and how they are stored', async () => {
    const entity = eventTypeToDatasetEntity({
      eventType: makeEventType({
        personalDataFields: ['user_id', 'user.email', 'contacts[].email'],
        dataSubject: 'user_id',
      }),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });

    expect(entity.metadata.annotations).toMatchObject({
      [ANNOTATION_DATASET_PERSONAL_DATA_FIELDS]:
        'user_id,user.email,contacts[].email',
      [ANNOTATION_DATASET_DATA_SUBJECT]: 'user_id',
      [ANNOTATION_DATASET_PERSONAL_DATA_STORAGE]: 'encrypted-per-data-subject',
    });
    expect(entity.metadata.description).toContain(
      "never a quiet hour. user.email, contacts[].email are personal data, encrypted with a key per person (the person named by user_id): erasing the person makes their values unreadable in every copy, and reading them in clear needs delivery-pipeline.personal-data.read. user_id holds the person's pseudonym, not their id, the same in every event type until they are erased. The events:",
    );
    await expectAcceptedByCatalog(entity);

    const none = eventTypeToDatasetEntity({
      eventType: makeEventType({
        personalDataFields: [],
        dataSubject: undefined,
      }),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });
    expect(
      Object.keys(none.metadata.annotations!).filter(key =>
        /personal-data|data-subject/.test(key),
      ),
    ).toEqual([]);
    expect(none.metadata.description).not.toContain('personal');
  });

  it('sanitizes tags to the catalog rules and drops what cannot be saved', async () => {
    const entity = eventTypeToDatasetEntity({
      eventType: makeEventType({
        tags: [
          'Playback',
          'C++',
          'user data',
          '--edge--',
          'äöü',
          'x'.repeat(64),
        ],
      }),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });
    expect(entity.metadata.tags).toEqual([
      'playback',
      'c++',
      'user-data',
      'edge',
    ]);
    await expectAcceptedByCatalog(entity);
  });

  it('is valid for the longest event type names, depending on the shortened API name', async () => {
    const name = `com.example.${'x'.repeat(116)}`;
    const entity = eventTypeToDatasetEntity({
      eventType: makeEventType({ name }),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });

    expect(entity.metadata.name).toHaveLength(63);
    expect(entity.metadata.title).toBe(`${name} (delivered)`);
    expect(entity.metadata.annotations?.[ANNOTATION_DATASET_EVENT_TYPE]).toBe(
      name,
    );
    expect(entity.spec.dependsOn).toEqual([
      `api:default/${eventTypeEntityName(name)}`,
    ]);
    await expectAcceptedByCatalog(entity);
  });
});

describe('datasetEntityName and datasetEntityRef', () => {
  // Tested where they live now; the backend keeps exporting them.
  it('are still exported here, as the common package has them', () => {
    expect(datasetEntityName).toBe(common.datasetEntityName);
    expect(datasetEntityRef).toBe(common.datasetEntityRef);
  });
});
