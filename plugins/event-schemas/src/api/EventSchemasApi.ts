import { createApiRef } from '@backstage/core-plugin-api';
import {
  CompatibilityCheck,
  CompatibilityImpact,
  CompatibilityMode,
  CompatibilityScope,
  EventType,
  EventTypeFormat,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';

/**
 * What registering an event type sends (`POST /event-types`).
 *
 * @public
 */
export type NewEventType = {
  name: string;
  title?: string;
  description?: string;
  /** A group ref, e.g. `group:default/playback`. */
  owner: string;
  lifecycle?: string;
  tags?: string[];
  format: EventTypeFormat;
  compatibility?: CompatibilityMode;
  /** `CONSUMERS`: accept breaking changes that no consumer reads. */
  compatibilityScope?: CompatibilityScope;
  retention?: { raw?: string; delivered?: string };
  sla?: { maxLateness: string };
  personalDataFields?: string[];
  /** The path of the string field naming the person an event is about. */
  dataSubject?: string;
  /** The first version's schema, as text. */
  schema: string;
};

/**
 * What changing an event type's details sends (`PATCH /event-types/{name}`).
 *
 * @public
 */
export type EventTypeChange = Partial<
  Omit<
    NewEventType,
    'name' | 'format' | 'schema' | 'title' | 'description' | 'dataSubject'
  >
> & {
  /** `null` clears it. */
  title?: string | null;
  description?: string | null;
  /** `null` unsets it, with `personalDataFields: []`. */
  dataSubject?: string | null;
  /** `null` takes a deprecation back. */
  deprecation?: { reason: string; successor?: string } | null;
};

/**
 * The outcome of registering a version: the version, or why it is not
 * compatible (a 409 from the registry, which is an answer, not an error).
 *
 * @public
 */
export type VersionRegistration =
  | { compatible: true; version: EventTypeVersion; created: boolean }
  | { compatible: false; messages: string[] };

/**
 * The registry's HTTP API (`/api/event-schemas`) as the frontend sees it.
 *
 * @public
 */
export interface EventSchemasApi {
  /** Every registered event type (all pages). */
  listEventTypes(): Promise<EventType[]>;
  getEventType(name: string): Promise<EventType>;
  /** Every version of a type, oldest first. */
  listVersions(name: string): Promise<EventTypeVersion[]>;
  createEventType(request: NewEventType): Promise<EventType>;
  updateEventType(name: string, change: EventTypeChange): Promise<EventType>;
  registerVersion(name: string, schema: string): Promise<VersionRegistration>;
  /**
   * Whether a draft schema could be registered, under the type's mode, and
   * which consumers each of its problems breaks.
   */
  checkCompatibility(name: string, schema: string): Promise<CompatibilityCheck>;
  /**
   * Who breaks if `version` is removed: the type rolled back to the version
   * before it (`GET /event-types/{name}/impact?version=N`).
   */
  getVersionRemovalImpact(
    name: string,
    version: number,
  ): Promise<CompatibilityImpact>;
}

/**
 * The registry API's ref; the plugin provides {@link EventSchemasClient} for
 * it, and tests or apps may provide their own.
 *
 * @public
 */
export const eventSchemasApiRef = createApiRef<EventSchemasApi>({
  id: 'plugin.event-schemas.api',
});
