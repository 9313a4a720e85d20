import { EventTypeFormat } from './types';

/**
 * The search document type of event types: the index the portal's search
 * keeps them in, and what its result list items match on.
 *
 * @public
 */
export const EVENT_TYPE_SEARCH_DOCUMENT_TYPE = 'event-type';

/**
 * An event type as the portal's search indexes it. `title` is the type's
 * title (its name without one), `text` its description, `location` its page.
 *
 * @public
 */
export type EventTypeSearchDocument = {
  title: string;
  text: string;
  location: string;
  /** The CloudEvents `type`, e.g. `com.example.playback.started`. */
  name: string;
  /** Catalog entity ref of the owning group. */
  owner: string;
  format: EventTypeFormat;
  latestVersion: number;
  lifecycle: string;
  tags: string[];
  /**
   * The latest schema's fields, so that searching a field finds its types:
   * each field's name and its dotted path, nested ones included
   * (`user`, `id`, `user.id`).
   */
  fields: string[];
  /** The event type's name, for the per-result read permission check. */
  authorization: { resourceRef: string };
};
