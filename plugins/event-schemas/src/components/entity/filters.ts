import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_DATASET_EVENT_TYPE } from '@data-collection/plugin-delivery-pipeline-common';
import { ANNOTATION_EVENT_TYPE } from '@data-collection/plugin-event-schemas-common';

/**
 * An `API` entity the registry made for an event type.
 *
 * @public
 */
export function isEventTypeEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'api' &&
    Boolean(entity.metadata.annotations?.[ANNOTATION_EVENT_TYPE])
  );
}

/**
 * A `Resource` the pipeline made for the delivered events of a type.
 *
 * @public
 */
export function isDatasetEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    Boolean(entity.metadata.annotations?.[ANNOTATION_DATASET_EVENT_TYPE])
  );
}

/** The event type an event type or dataset entity is about. */
export function eventTypeOfEntity(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  return (
    annotations[ANNOTATION_EVENT_TYPE] ??
    annotations[ANNOTATION_DATASET_EVENT_TYPE]
  );
}
