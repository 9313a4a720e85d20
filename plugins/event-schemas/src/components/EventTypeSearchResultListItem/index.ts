export { EventTypeSearchResultListItem } from './EventTypeSearchResultListItem';
export type { EventTypeSearchResultListItemProps } from './EventTypeSearchResultListItem';
export { isEventTypeSearchResult } from './isEventTypeSearchResult';
