/**
 * Annotation holding the name of the event type an `API` entity describes;
 * the way back from a catalog entity to the registry.
 *
 * @public
 */
export const ANNOTATION_EVENT_TYPE = 'event-schemas/event-type';

/**
 * Annotation holding the event type's schema language (`jsonschema`, `avro`).
 *
 * @public
 */
export const ANNOTATION_EVENT_TYPE_FORMAT = 'event-schemas/format';

/**
 * Annotation holding the latest version number, the one the definition shows.
 *
 * @public
 */
export const ANNOTATION_EVENT_TYPE_LATEST_VERSION =
  'event-schemas/latest-version';

/**
 * Annotation holding the reason an event type is deprecated; absent otherwise.
 *
 * @public
 */
export const ANNOTATION_EVENT_TYPE_DEPRECATED = 'event-schemas/deprecated';

/**
 * Annotation on any catalog entity (usually a repository's `Component`)
 * naming where its event type files are: `dir:<path>` relative to the
 * entity's own location (as `backstage.io/techdocs-ref` does), or
 * `url:<absolute URL>`. The registry syncs every event type file found
 * there; the entity's owner must own the types its files declare.
 *
 * @public
 */
export const ANNOTATION_EVENT_TYPE_FILES = 'event-schemas/event-types';

/**
 * Annotation on an event type's `API` entity while the latest change pushed
 * to its file was refused: the reasons, one per line. Absent otherwise.
 *
 * @public
 */
export const ANNOTATION_EVENT_TYPE_SYNC_REFUSED = 'event-schemas/sync-refused';

/**
 * Annotation on a component that consumes an event type's `API` entity
 * (`spec.consumesApis`), listing the fields it reads as comma-separated
 * dotted paths (`track_id, user.country, tracks[].id`). Without it, the
 * component reads every field. Compatibility impact and the `CONSUMERS`
 * compatibility scope judge a breaking change by who reads its field.
 *
 * @public
 */
export const ANNOTATION_FIELDS_READ = 'event-schemas/fields-read';
