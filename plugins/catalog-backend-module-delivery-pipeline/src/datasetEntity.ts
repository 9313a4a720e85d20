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
  EventType,
  eventTypeEntityName,
  eventTypeEntityTags,
} from '@data-collection/plugin-event-schemas-common';
import {
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_DELIVERY_PAGE,
  ANNOTATION_DATASET_EVENT_TYPE,
  ANNOTATION_DATASET_LOCATION,
  ANNOTATION_DATASET_RAW_RETENTION,
  ANNOTATION_DATASET_SLA_MAX_LATENESS,
  datasetEntityName,
  datasetEntityRef,
  describePersonalData,
  personalDataAnnotations,
} from '@data-collection/plugin-delivery-pipeline-common';

// Moved to the common package, for the frontend and the backend modules;
// exported here as before.
export {
  ANNOTATION_DATASET_DELIVERED_RETENTION,
  ANNOTATION_DATASET_DELIVERY_PAGE,
  ANNOTATION_DATASET_EVENT_TYPE,
  ANNOTATION_DATASET_LOCATION,
  ANNOTATION_DATASET_RAW_RETENTION,
  ANNOTATION_DATASET_SLA_MAX_LATENESS,
  datasetEntityName,
  datasetEntityRef,
};

/** `<root>/<event type>`: where the pipeline writes a type's partitions. */
export function deliveredFolder(options: {
  deliveredRoot: string;
  eventType: string;
}): string {
  return `${options.deliveredRoot.replace(/\/+$/, '')}/${options.eventType}`;
}

/**
 * The catalog `Resource` entity (`spec.type: dataset`) of the deduplicated,
 * hourly partitioned events of an event type. It depends on the event
 * type's `API` entity, so that the catalog graph shows the lineage from the
 * producer through the event type to the dataset and its consumers (who
 * declare `dependsOn` on the dataset). Its annotations say which fields are
 * personal data, whose, and how they are stored (`personalDataAnnotations`).
 *
 * @public
 */
export function eventTypeToDatasetEntity(options: {
  eventType: EventType;
  /**
   * Base URL of the registry's HTTP API, e.g.
   * `http://localhost:7007/api/event-schemas`: the entity is managed by the
   * event type there.
   */
  registryUrl: string;
  /**
   * The root config, for the link to the type's delivery page
   * (`eventTypePageUrl`: `app.baseUrl` and
   * `eventSchemas.portal.eventTypesPath`).
   */
  config: Config;
  /**
   * URL of the root the pipeline delivers to, e.g. `gs://bucket/delivered`;
   * `undefined` leaves the location annotation out.
   */
  deliveredRoot?: string;
}): ResourceEntity {
  const { eventType, registryUrl, config, deliveredRoot } = options;
  const encodedName = encodeURIComponent(eventType.name);
  const location = `url:${registryUrl}/event-types/${encodedName}`;
  const deliveryPage = eventTypePageUrl(config, eventType.name, 'delivery');
  const about = eventType.description ?? eventType.title;
  const description = [
    `The deduplicated hourly dataset of the ${eventType.name} events: every accepted event once per (source, id), in hourly partitions by receive time, delivered once the hour is complete. An hour in which nothing was received is delivered empty (no rows), so an hour without a partition is a gap in delivery, never a quiet hour.`,
    describePersonalData(eventType),
    about && `The events: ${about}`,
  ]
    .filter(Boolean)
    .join(' ');

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: datasetEntityName(eventType.name),
      title: `${eventType.name} (delivered)`,
      description,
      tags: eventTypeEntityTags(eventType.tags),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_DATASET_EVENT_TYPE]: eventType.name,
        ...(deliveredRoot
          ? {
              [ANNOTATION_DATASET_LOCATION]: deliveredFolder({
                deliveredRoot,
                eventType: eventType.name,
              }),
            }
          : {}),
        [ANNOTATION_DATASET_RAW_RETENTION]: eventType.retention.raw,
        [ANNOTATION_DATASET_DELIVERED_RETENTION]: eventType.retention.delivered,
        [ANNOTATION_DATASET_SLA_MAX_LATENESS]: eventType.sla.maxLateness,
        [ANNOTATION_DATASET_DELIVERY_PAGE]: deliveryPage,
        ...personalDataAnnotations(eventType),
      },
      links: [{ url: deliveryPage, title: 'Delivery', icon: 'dashboard' }],
    },
    spec: {
      type: 'dataset',
      owner: eventType.owner,
      dependsOn: [
        stringifyEntityRef({
          kind: 'API',
          namespace: DEFAULT_NAMESPACE,
          name: eventTypeEntityName(eventType.name),
        }),
      ],
    },
  };
}
