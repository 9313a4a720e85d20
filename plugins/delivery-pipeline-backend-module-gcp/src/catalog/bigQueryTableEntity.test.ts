import { mockServices } from '@backstage/backend-test-utils';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  entitySchemaValidator,
  FieldFormatEntityPolicy,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  ANNOTATION_DATASET_DATA_SUBJECT,
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_EVENT_TYPE,
  ANNOTATION_DATASET_PERSONAL_DATA_FIELDS,
  ANNOTATION_DATASET_PERSONAL_DATA_STORAGE,
  datasetEntityName,
  personalDataAnnotations,
} from '@data-collection/plugin-delivery-pipeline-common';
import { eventTypeEntityName } from '@data-collection/plugin-event-schemas-common';
import {
  ANNOTATION_BIGQUERY_TABLE,
  bigQueryConsoleUrl,
  bigQueryTableEntityName,
  bigQueryTableEntityRef,
  eventTypeToBigQueryTableEntity,
} from './bigQueryTableEntity';
import { bigQueryTableId } from '@data-collection/plugin-delivery-pipeline-common';
import { makeEventType } from './testFixtures';

const REGISTRY_URL = 'http://localhost:7007/api/event-schemas';
const APP_BASE_URL = 'http://localhost:3000';
const VALID_ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function tableOf(eventType: string) {
  return {
    projectId: 'acme-events',
    datasetId: 'events',
    tableId: bigQueryTableId(eventType),
  };
}

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

describe('eventTypeToBigQueryTableEntity', () => {
  it('maps an event type to a valid table Resource that depends on its dataset', async () => {
    const eventType = makeEventType();
    const entity = eventTypeToBigQueryTableEntity({
      eventType,
      table: tableOf(eventType.name),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });

    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'com.example.playback.started-bigquery',
        title: 'acme-events.events.com_example_playback_started',
        description:
          "The BigQuery table of the delivered com.example.playback.started events: each complete hourly partition of the dataset is loaded once, into a table partitioned by the hour the pipeline received the events. Partitions expire after P400D, the type's delivered retention. user_id holds the person's pseudonym, not their id, the same in every event type until they are erased. Their columns hold the ciphertext and pseudonyms the pipeline stored; each column's description says how to read them. The events: Sent when a track starts playing.",
        tags: ['playback', 'events'],
        annotations: {
          [ANNOTATION_LOCATION]:
            'url:http://localhost:7007/api/event-schemas/event-types/com.example.playback.started',
          [ANNOTATION_ORIGIN_LOCATION]:
            'url:http://localhost:7007/api/event-schemas/event-types/com.example.playback.started',
          [ANNOTATION_DATASET_EVENT_TYPE]: 'com.example.playback.started',
          [ANNOTATION_BIGQUERY_TABLE]:
            'acme-events:events.com_example_playback_started',
          [ANNOTATION_DATASET_DELIVERED_RETENTION]: 'P400D',
          [ANNOTATION_DATASET_PERSONAL_DATA_FIELDS]: 'user_id',
          [ANNOTATION_DATASET_DATA_SUBJECT]: 'user_id',
          [ANNOTATION_DATASET_PERSONAL_DATA_STORAGE]:
            'encrypted-per-data-subject',
        },
        links: [
          {
            url: 'https://console.cloud.google.com/bigquery?project=acme-events&ws=!1m5!1m4!4m3!1sacme-events!2sevents!3scom_example_playback_started',
            title: 'BigQuery table',
          },
          {
            url: 'http://localhost:3000/event-types/com.example.playback.started/delivery',
            title: 'Delivery',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'bigquery-table',
        owner: 'group:default/playback',
        dependsOn: ['resource:default/com.example.playback.started-dataset'],
      },
    });
    await expectAcceptedByCatalog(entity);
  });

  it('joins the delivery page without double slashes and falls back to the title', () => {
    const eventType = makeEventType({ description: undefined });
    const entity = eventTypeToBigQueryTableEntity({
      eventType,
      table: tableOf(eventType.name),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: `${APP_BASE_URL}//` } },
      }),
    });
    expect(entity.metadata.links?.[1].url).toBe(
      'http://localhost:3000/event-types/com.example.playback.started/delivery',
    );
    expect(entity.metadata.description).toMatch(
      / The events: Playback started$/,
    );

    const bare = eventTypeToBigQueryTableEntity({
      eventType: makeEventType({
        description: undefined,
        title: undefined,
        personalDataFields: [],
        dataSubject: undefined,
      }),
      table: tableOf(eventType.name),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });
    expect(bare.metadata.description).toMatch(/delivered retention\.$/);
  });

  it('marks the personal data as the dataset does: the table holds the same fields, stored the same way', async () => {
    const eventType = makeEventType({
      personalDataFields: ['user_id', 'user.email'],
      dataSubject: 'user_id',
    });
    const entity = eventTypeToBigQueryTableEntity({
      eventType,
      table: tableOf(eventType.name),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });

    expect(entity.metadata.annotations).toMatchObject(
      personalDataAnnotations(eventType),
    );
    expect(entity.metadata.annotations).toMatchObject({
      [ANNOTATION_DATASET_PERSONAL_DATA_FIELDS]: 'user_id,user.email',
    });
    expect(entity.metadata.description).toContain(
      'user.email is personal data, encrypted with a key per person (the person named by user_id)',
    );
    await expectAcceptedByCatalog(entity);
  });

  it('sanitizes tags to the catalog rules, as the dataset does', async () => {
    const eventType = makeEventType({ tags: ['Playback', 'user data', 'äöü'] });
    const entity = eventTypeToBigQueryTableEntity({
      eventType,
      table: tableOf(eventType.name),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });
    expect(entity.metadata.tags).toEqual(['playback', 'user-data']);
    await expectAcceptedByCatalog(entity);
  });

  it('is valid for the longest event type names, depending on the shortened dataset name', async () => {
    const name = `com.example.${'x'.repeat(116)}`;
    const entity = eventTypeToBigQueryTableEntity({
      eventType: makeEventType({ name }),
      table: tableOf(name),
      registryUrl: REGISTRY_URL,
      config: mockServices.rootConfig({
        data: { app: { baseUrl: APP_BASE_URL } },
      }),
    });

    expect(entity.metadata.name).toHaveLength(63);
    expect(entity.metadata.title).toBe(
      `acme-events.events.com_example_${'x'.repeat(116)}`,
    );
    expect(entity.metadata.annotations?.[ANNOTATION_DATASET_EVENT_TYPE]).toBe(
      name,
    );
    expect(entity.spec.dependsOn).toEqual([
      `resource:default/${datasetEntityName(name)}`,
    ]);
    await expectAcceptedByCatalog(entity);
  });
});

describe('bigQueryTableEntityName', () => {
  it('is the API entity name with a -bigquery suffix when that fits', () => {
    expect(bigQueryTableEntityName('com.example.playback.started')).toBe(
      'com.example.playback.started-bigquery',
    );
    const fits = `com.example.${'a'.repeat(42)}`;
    expect(fits).toHaveLength(54);
    expect(bigQueryTableEntityName(fits)).toBe(`${fits}-bigquery`);
  });

  it('shortens longer names by a prefix and the API name hash, within 63 characters', () => {
    const long = `com.example.${'x'.repeat(116)}`;
    const hash = eventTypeEntityName(long).slice(-16);

    const name = bigQueryTableEntityName(long);
    expect(name).toHaveLength(63);
    expect(name).toMatch(VALID_ENTITY_NAME);
    expect(name).toBe(`com.example.${'x'.repeat(25)}-${hash}-bigquery`);
    // One over what fits is shortened too.
    expect(bigQueryTableEntityName(`com.example.${'a'.repeat(43)}`)).toMatch(
      /-[0-9a-f]{16}-bigquery$/,
    );
  });

  it('maps names sharing a long prefix to different tables', () => {
    const prefix = `com.example.${'z'.repeat(60)}`;
    expect(bigQueryTableEntityName(`${prefix}.a`)).not.toBe(
      bigQueryTableEntityName(`${prefix}.b`),
    );
  });
});

describe('bigQueryTableEntityRef', () => {
  it('is the ref consumers of the table depend on', () => {
    expect(bigQueryTableEntityRef('com.example.search.performed')).toBe(
      'resource:default/com.example.search.performed-bigquery',
    );
  });
});

describe('bigQueryConsoleUrl', () => {
  it('opens the table in the console explorer', () => {
    expect(
      bigQueryConsoleUrl({ projectId: 'p', datasetId: 'd', tableId: 't' }),
    ).toBe(
      'https://console.cloud.google.com/bigquery?project=p&ws=!1m5!1m4!4m3!1sp!2sd!3st',
    );
  });
});
