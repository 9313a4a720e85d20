import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { eventTypeEntityName } from '@internal/plugin-event-schemas-common';
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
const VALID_ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

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
      appBaseUrl: APP_BASE_URL,
      deliveredRoot: 'gs://events-bucket/delivered',
    });

    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'com.example.playback.started-dataset',
        title: 'com.example.playback.started (delivered)',
        description:
          'The deduplicated hourly dataset of the com.example.playback.started events: every accepted event once per (source, id), in hourly partitions by receive time, delivered once the hour is complete. The events: Sent when a track starts playing.',
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

  it('leaves the location out while it is unknown, and joins it without double slashes', async () => {
    const eventType = makeEventType();
    const withoutRoot = eventTypeToDatasetEntity({
      eventType,
      registryUrl: REGISTRY_URL,
      appBaseUrl: `${APP_BASE_URL}/`,
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
      appBaseUrl: APP_BASE_URL,
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
      appBaseUrl: APP_BASE_URL,
    });
    expect(withTitle.metadata.description).toMatch(
      / The events: Playback started$/,
    );

    const bare = eventTypeToDatasetEntity({
      eventType: makeEventType({ description: undefined, title: undefined }),
      registryUrl: REGISTRY_URL,
      appBaseUrl: APP_BASE_URL,
    });
    expect(bare.metadata.description).toMatch(/the hour is complete\.$/);
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
      appBaseUrl: APP_BASE_URL,
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
      appBaseUrl: APP_BASE_URL,
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

describe('datasetEntityName', () => {
  it('is the API entity name with a -dataset suffix when that fits', () => {
    expect(datasetEntityName('com.example.playback.started')).toBe(
      'com.example.playback.started-dataset',
    );
    const fits = `com.example.${'a'.repeat(43)}`;
    expect(fits).toHaveLength(55);
    expect(datasetEntityName(fits)).toBe(`${fits}-dataset`);
    // Not a valid entity name as it is, so the API name is shortened already.
    expect(datasetEntityName('com.example.trailing_')).toBe(
      `${eventTypeEntityName('com.example.trailing_')}-dataset`,
    );
  });

  it('shortens longer names by a prefix and the API name hash, within 63 characters', () => {
    const long = `com.example.${'x'.repeat(116)}`;
    const apiName = eventTypeEntityName(long);
    const hash = apiName.slice(-16);

    const name = datasetEntityName(long);
    expect(name).toHaveLength(63);
    expect(name).toMatch(VALID_ENTITY_NAME);
    expect(name).toBe(`com.example.${'x'.repeat(26)}-${hash}-dataset`);
  });

  it('shortens valid names of 56 to 63 characters, which the API keeps as they are', () => {
    const names = [56, 60, 63].map(
      length => `com.example.${'y'.repeat(length - 12)}`,
    );
    const shortened = names.map(datasetEntityName);
    for (const [index, name] of shortened.entries()) {
      expect(eventTypeEntityName(names[index])).toBe(names[index]);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(VALID_ENTITY_NAME);
      expect(name).toMatch(/-[0-9a-f]{16}-dataset$/);
    }
    expect(new Set(shortened).size).toBe(names.length);
  });

  it('maps names sharing a long prefix to different datasets, always the same way', () => {
    const prefix = `com.example.${'z'.repeat(60)}`;
    const a = datasetEntityName(`${prefix}.a`);
    const b = datasetEntityName(`${prefix}.b`);
    expect(a).not.toBe(b);
    expect(datasetEntityName(`${prefix}.a`)).toBe(a);
  });

  it('copes with names without any usable prefix', () => {
    const name = datasetEntityName(`_${'.'.repeat(70)}`);
    expect(name).toMatch(/^[0-9a-f]{16}-dataset$/);
  });
});

describe('datasetEntityRef', () => {
  it('is the ref consumers depend on', () => {
    expect(datasetEntityRef('com.example.search.performed')).toBe(
      'resource:default/com.example.search.performed-dataset',
    );
  });
});
