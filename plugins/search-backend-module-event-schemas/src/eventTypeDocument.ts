import {
  EventType,
  EventTypeSearchDocument,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';

/**
 * The search document of an event type. The resource ref is the type's name,
 * as the registry's permission resource loads types by name, so the search
 * backend can check the read permission result by result.
 */
export function eventTypeToSearchDocument(options: {
  eventType: EventType;
  /** From {@link searchableFieldNames}. */
  fields: string[];
  /** From `eventSchemas.portal.eventTypesPath`, without a trailing slash. */
  eventTypesPath: string;
}): EventTypeSearchDocument {
  const { eventType, fields, eventTypesPath } = options;
  return {
    title: eventType.title || eventType.name,
    text: eventType.description ?? '',
    location: `${eventTypesPath}/${encodeURIComponent(eventType.name)}`,
    name: eventType.name,
    owner: eventType.owner,
    format: eventType.format,
    latestVersion: eventType.latestVersion,
    lifecycle: eventType.lifecycle,
    tags: eventType.tags,
    fields,
    authorization: { resourceRef: eventType.name },
  };
}

/**
 * What a search for a field should match: every field's own name and its
 * dotted path, and for fields inside arrays and maps the path without their
 * markers too (`tracks[].id` is also `tracks.id`), as people type it.
 */
export function searchableFieldNames(fields: SchemaField[]): string[] {
  const names = new Set<string>();
  for (const field of fields) {
    names.add(field.name);
    names.add(field.path);
    names.add(
      field.path
        .split('.')
        .filter(segment => segment !== '{}')
        .map(segment => segment.replace(/(\[\])+$/, ''))
        .join('.'),
    );
  }
  return [...names];
}
