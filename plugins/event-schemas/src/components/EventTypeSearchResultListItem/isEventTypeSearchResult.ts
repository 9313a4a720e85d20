import { EVENT_TYPE_SEARCH_DOCUMENT_TYPE } from '@data-collection/plugin-event-schemas-common';

/**
 * Whether a search result is an event type: the list item's predicate, apart
 * from the component so that the plugin loads the component only when
 * search shows it.
 */
export function isEventTypeSearchResult(result: { type: string }): boolean {
  return result.type === EVENT_TYPE_SEARCH_DOCUMENT_TYPE;
}
