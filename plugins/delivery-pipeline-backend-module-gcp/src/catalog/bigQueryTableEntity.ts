import { Config } from '@backstage/config';
import { eventTypePageUrl } from '@data-collection/plugin-event-schemas-node';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  DEFAULT_NAMESPACE,
  ResourceEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_EVENT_TYPE,
  datasetEntityRef,
  describePersonalData,
  personalDataAnnotations,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  EventType,
  eventTypeEntityName,
  eventTypeEntityTags,
} from '@data-collection/plugin-event-schemas-common';

/**
 * Annotation holding the table as `project:dataset.table`, the form the `bq`
 * command line takes (`bq show`, `bq head`), so it can be pasted there.
 *
 * @remarks
 *
 * Under this suite's own `delivery-pipeline/` prefix like the dataset's
 * annotations: an annotation's prefix names who defines it, and Google
 * defines none for BigQuery, so a `cloud.google.com` prefix would claim a
 * meaning no Google tool gives it.
 */
export const ANNOTATION_BIGQUERY_TABLE = 'delivery-pipeline/bigquery-table';

/** The entities' `spec.type`. */
export const BIGQUERY_TABLE_RESOURCE_TYPE = 'bigquery-table';

const ENTITY_NAME_SUFFIX = '-bigquery';

/** Where an event type's table is; the table id is the warehouse's choice. */
export type BigQueryTableLocation = {
  projectId: string;
  datasetId: string;
  tableId: string;
};

/**
 * The `metadata.name` of the `Resource` entity of an event type's BigQuery
 * table: the name of its `API` entity with a `-bigquery` suffix, shortened
 * within 63 characters the way the dataset's name is (see
 * `datasetEntityName`).
 */
export function bigQueryTableEntityName(eventTypeName: string): string {
  return eventTypeEntityName(eventTypeName, ENTITY_NAME_SUFFIX);
}

/**
 * The entity ref of an event type's BigQuery table, e.g.
 * `resource:default/com.example.playback.started-bigquery`.
 */
export function bigQueryTableEntityRef(eventTypeName: string): string {
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: DEFAULT_NAMESPACE,
    name: bigQueryTableEntityName(eventTypeName),
  });
}

/**
 * The table's page in the Google Cloud console. The `ws` parameter is the
 * console's own encoding of the explorer's selection: `!1m5!1m4!4m3` opens a
 * table, followed by its project (`1s`), dataset (`2s`) and table (`3s`).
 */
export function bigQueryConsoleUrl(table: BigQueryTableLocation): string {
  const { projectId, datasetId, tableId } = table;
  const project = encodeURIComponent(projectId);
  return `https://console.cloud.google.com/bigquery?project=${project}&ws=!1m5!1m4!4m3!1s${project}!2s${encodeURIComponent(
    datasetId,
  )}!3s${encodeURIComponent(tableId)}`;
}

/**
 * The catalog `Resource` entity (`spec.type: bigquery-table`) of the
 * BigQuery table an event type's delivered partitions are loaded into. It
 * depends on the delivered dataset's entity, the table's source, so that
 * the catalog graph continues the lineage from the event type's `API`
 * through the dataset to the table and whoever declares `dependsOn` on it.
 * It carries the dataset's personal data annotations: the table holds the
 * same fields, stored the same way.
 */
export function eventTypeToBigQueryTableEntity(options: {
  eventType: EventType;
  table: BigQueryTableLocation;
  /**
   * Base URL of the registry's HTTP API, e.g.
   * `http://localhost:7007/api/event-schemas`: the entity is managed by the
   * event type there, as the dataset's entity is.
   */
  registryUrl: string;
  /**
   * The root config, for the link to the type's delivery page
   * (`eventTypePageUrl`: `app.baseUrl` and
   * `eventSchemas.portal.eventTypesPath`).
   */
  config: Config;
}): ResourceEntity {
  const { eventType, table, registryUrl, config } = options;
  const { projectId, datasetId, tableId } = table;
  const encodedName = encodeURIComponent(eventType.name);
  const location = `url:${registryUrl}/event-types/${encodedName}`;
  const deliveryPage = eventTypePageUrl(config, eventType.name, 'delivery');
  const retention = eventType.retention.delivered;
  const about = eventType.description ?? eventType.title;
  const personalData = describePersonalData(eventType);
  const description = [
    `The BigQuery table of the delivered ${eventType.name} events: each complete hourly partition of the dataset is loaded once, into a table partitioned by the hour the pipeline received the events. Partitions expire after ${retention}, the type's delivered retention.`,
    personalData &&
      `${personalData} Their columns hold the ciphertext and pseudonyms the pipeline stored; each column's description says how to read them.`,
    about && `The events: ${about}`,
  ]
    .filter(Boolean)
    .join(' ');

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: bigQueryTableEntityName(eventType.name),
      title: `${projectId}.${datasetId}.${tableId}`,
      description,
      tags: eventTypeEntityTags(eventType.tags),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_DATASET_EVENT_TYPE]: eventType.name,
        [ANNOTATION_BIGQUERY_TABLE]: `${projectId}:${datasetId}.${tableId}`,
        [ANNOTATION_DATASET_DELIVERED_RETENTION]: retention,
        ...personalDataAnnotations(eventType),
      },
      links: [
        { url: bigQueryConsoleUrl(table), title: 'BigQuery table' },
        { url: deliveryPage, title: 'Delivery', icon: 'dashboard' },
      ],
    },
    spec: {
      type: BIGQUERY_TABLE_RESOURCE_TYPE,
      owner: eventType.owner,
      dependsOn: [datasetEntityRef(eventType.name)],
    },
  };
}
