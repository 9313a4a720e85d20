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
 * Annotation on a component that consumes an event type's `API` entity
 * (`spec.consumesApis`), listing the fields it reads as comma-separated
 * dotted paths (`track_id, user.country, tracks[].id`). Without it, the
 * component reads every field. Compatibility impact and the `CONSUMERS`
 * compatibility scope judge a breaking change by who reads its field.
 *
 * @public
 */
export const ANNOTATION_FIELDS_READ = 'event-schemas/fields-read';
