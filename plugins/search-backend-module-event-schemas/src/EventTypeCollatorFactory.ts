import { LoggerService } from '@backstage/backend-plugin-api';
import { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import {
  EVENT_TYPE_SEARCH_DOCUMENT_TYPE,
  EventType,
  EventTypeSearchDocument,
  eventTypeReadPermission,
  listFields,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { Readable } from 'node:stream';
import {
  eventTypeToSearchDocument,
  searchableFieldNames,
} from './eventTypeDocument';

/** Latest versions read at once: enough to be quick, few enough to be kind to the registry. */
const CONCURRENT_READS = 8;

/**
 * Collates the registry's event types for the portal's search, one document
 * per type with its latest schema's fields. The search backend shows a
 * result only to readers whom `event-schemas.event-type.read` allows on that
 * type (its name is the document's resource ref).
 *
 * @public
 */
export class EventTypeCollatorFactory implements DocumentCollatorFactory {
  readonly type = EVENT_TYPE_SEARCH_DOCUMENT_TYPE;
  readonly visibilityPermission = eventTypeReadPermission;

  readonly #reader: Pick<
    EventTypeReader,
    'listEventTypes' | 'getLatestVersion'
  >;
  readonly #eventTypesPath: string;
  readonly #logger: LoggerService;

  constructor(options: {
    /** The registry; {@link @data-collection/plugin-event-schemas-node#HttpEventTypeReader} in a backend. */
    reader: Pick<EventTypeReader, 'listEventTypes' | 'getLatestVersion'>;
    /** The portal's event types page, without a trailing slash. */
    eventTypesPath: string;
    logger: LoggerService;
  }) {
    this.#reader = options.reader;
    this.#eventTypesPath = options.eventTypesPath;
    this.#logger = options.logger;
  }

  async getCollator(): Promise<Readable> {
    return Readable.from(this.#documents());
  }

  async *#documents(): AsyncGenerator<EventTypeSearchDocument> {
    const eventTypes = await this.#reader.listEventTypes();
    for (let i = 0; i < eventTypes.length; i += CONCURRENT_READS) {
      const batch = eventTypes.slice(i, i + CONCURRENT_READS);
      const documents = await Promise.all(
        batch.map(eventType => this.#document(eventType)),
      );
      for (const document of documents) {
        if (document) yield document;
      }
    }
  }

  /** `undefined` for a type deleted since the listing. */
  async #document(
    eventType: EventType,
  ): Promise<EventTypeSearchDocument | undefined> {
    const latest = await this.#reader.getLatestVersion(eventType.name);
    if (!latest) {
      return undefined;
    }
    return eventTypeToSearchDocument({
      eventType,
      fields: this.#fields(eventType, latest.schema),
      eventTypesPath: this.#eventTypesPath,
    });
  }

  /** A schema that no longer parses still leaves its type findable by the rest. */
  #fields(eventType: EventType, schema: string): string[] {
    try {
      return searchableFieldNames(
        listFields({ format: eventType.format, schema }),
      );
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      this.#logger.warn(
        `Indexed event type ${eventType.name} without its fields: its latest schema does not parse, ${error.message}`,
      );
      return [];
    }
  }
}
