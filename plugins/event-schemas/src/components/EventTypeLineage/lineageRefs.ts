import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { eventTypeEntityName } from '@data-collection/plugin-event-schemas-common';

/** The catalog entities the registry and the pipeline make for a type. */
export type LineageRefs = {
  /** The event type's `API` entity. */
  api: CompoundEntityRef;
  /** Its delivered dataset's `Resource` entity. */
  dataset: CompoundEntityRef;
  /** The same two as strings, e.g. `api:default/com.example.playback.started`. */
  apiRef: string;
  datasetRef: string;
};

export function lineageRefs(eventTypeName: string): LineageRefs {
  const api = {
    kind: 'API',
    namespace: DEFAULT_NAMESPACE,
    name: eventTypeEntityName(eventTypeName),
  };
  const dataset = {
    kind: 'Resource',
    namespace: DEFAULT_NAMESPACE,
    name: eventTypeEntityName(eventTypeName, '-dataset'),
  };
  return {
    api,
    dataset,
    apiRef: stringifyEntityRef(api),
    datasetRef: stringifyEntityRef(dataset),
  };
}

/** Entity refs compare without case, as the catalog compares them. */
export function sameEntityRef(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}
