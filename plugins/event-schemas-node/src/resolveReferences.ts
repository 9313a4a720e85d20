import {
  EventType,
  resolveSchemaReferences,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeReader } from './EventTypeReader';

/**
 * A schema with the registered versions it references copied into it, read
 * through the registry's client: what the registry validates with, for
 * plugins that validate or show a type's schema (ingest, the catalog). The
 * schema text unchanged when it references nothing.
 *
 * @public
 */
export async function resolveReferencesThrough(options: {
  eventTypes: Pick<EventTypeReader, 'getEventType' | 'getVersion'>;
  format: EventType['format'];
  schema: string;
}): Promise<string> {
  const { eventTypes, format, schema } = options;
  const resolved = await resolveSchemaReferences({
    format,
    schema,
    load: async reference => {
      const referenced = await eventTypes.getEventType(reference.eventType);
      const version =
        referenced &&
        (await eventTypes.getVersion(reference.eventType, reference.version));
      return version && { format: referenced.format, schema: version.schema };
    },
  });
  return resolved.schema;
}
