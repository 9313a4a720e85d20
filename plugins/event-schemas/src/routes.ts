import { createRouteRef, useRouteRef } from '@backstage/core-plugin-api';

/**
 * The plugin's page, `/event-types` in the example app; both frontend
 * systems mount it with this ref (the new one through convertLegacyRouteRef).
 */
export const rootRouteRef = createRouteRef({ id: 'event-schemas' });

/** The tabs of an event type's page, each its own URL. */
export const EVENT_TYPE_TABS = [
  'overview',
  'versions',
  'delivery',
  'lineage',
] as const;
export type EventTypeTab = (typeof EVENT_TYPE_TABS)[number];

/** The plugin's links, relative to wherever the app mounted the page. */
export type EventSchemasLinks = {
  eventTypes(): string;
  register(): string;
  deliveryOverview(): string;
  /** Erasing a person's personal data, on a privacy request. */
  dataSubjects(): string;
  /** One type's page; its tabs are `<root>/<name>/<tab>`. */
  eventType(name: string, tab?: EventTypeTab): string;
};

export function eventSchemasLinks(root: string): EventSchemasLinks {
  const base = root.replace(/\/$/, '');
  return {
    eventTypes: () => base || '/',
    register: () => `${base}/new`,
    deliveryOverview: () => `${base}/delivery`,
    dataSubjects: () => `${base}/data-subjects`,
    eventType: (name, tab = 'overview') =>
      `${base}/${encodeURIComponent(name)}/${tab}`,
  };
}

/**
 * The plugin's links; undefined where the app has not mounted the page (an
 * entity card in an app without it), so callers leave the link out.
 */
export function useEventSchemasLinks(): EventSchemasLinks | undefined {
  let root: string | undefined;
  try {
    // useRouteRef runs all of its own hooks before it throws for a ref the
    // app did not mount, so the hook order is the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    root = useRouteRef(rootRouteRef)();
  } catch {
    root = undefined;
  }
  return root === undefined ? undefined : eventSchemasLinks(root);
}
