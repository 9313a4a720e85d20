import {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_VIEW_URL,
  ApiEntity,
} from '@backstage/catalog-model';
import {
  ANNOTATION_EVENT_TYPE,
  ANNOTATION_EVENT_TYPE_DEPRECATED,
  ANNOTATION_EVENT_TYPE_FORMAT,
  ANNOTATION_EVENT_TYPE_LATEST_VERSION,
  ANNOTATION_EVENT_TYPE_SYNC_REFUSED,
  EventType,
  eventTypeEntityName,
  eventTypeEntityTags,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { Config } from '@backstage/config';
import {
  EventTypePageTab,
  eventTypePageUrl,
} from '@data-collection/plugin-event-schemas-node';
import { stringify } from 'yaml';
import { eventTypeAsyncApiDocument } from './asyncApiDocument';

// Moved to the common package, for the frontend; exported here as before.
export {
  ANNOTATION_EVENT_TYPE,
  ANNOTATION_EVENT_TYPE_DEPRECATED,
  ANNOTATION_EVENT_TYPE_FORMAT,
  ANNOTATION_EVENT_TYPE_LATEST_VERSION,
};

/**
 * The catalog `API` entity of an event type: its metadata, and as definition
 * an AsyncAPI 3.0.0 document that embeds the latest schema.
 *
 * @public
 */
export function eventTypeToApiEntity(options: {
  eventType: EventType;
  /** The latest version of the event type. */
  version: EventTypeVersion;
  /**
   * Base URL of the registry's HTTP API, e.g.
   * `http://localhost:7007/api/event-schemas`. The catalog requires every
   * entity to name the location it is managed by; this is the type's URL.
   */
  registryUrl: string;
  /**
   * The root config: the entity links to the type's pages in the portal,
   * `app.baseUrl` plus `eventSchemas.portal.eventTypesPath`
   * (`eventTypePageUrl`), which a browser can open; the registry's API would
   * answer it 401.
   */
  config: Config;
}): ApiEntity {
  const { eventType, version, registryUrl, config } = options;
  const pageUrl = (tab: EventTypePageTab) =>
    eventTypePageUrl(config, eventType.name, tab);
  const eventTypeUrl = `${registryUrl}/event-types/${encodeURIComponent(
    eventType.name,
  )}`;
  const location = `url:${eventTypeUrl}`;
  const description = eventType.description ?? eventType.title;

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: eventTypeEntityName(eventType.name),
      title: eventType.name,
      ...(description ? { description } : {}),
      tags: eventTypeEntityTags(eventType.tags),
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [ANNOTATION_EVENT_TYPE]: eventType.name,
        [ANNOTATION_EVENT_TYPE_FORMAT]: eventType.format,
        [ANNOTATION_EVENT_TYPE_LATEST_VERSION]: String(version.version),
        ...(eventType.deprecation
          ? { [ANNOTATION_EVENT_TYPE_DEPRECATED]: eventType.deprecation.reason }
          : {}),
        ...managedAnnotations(eventType),
      },
      links: [
        { url: pageUrl('overview'), title: 'Event type' },
        { url: pageUrl('versions'), title: 'Schema versions' },
        { url: pageUrl('delivery'), title: 'Delivery' },
        ...(eventType.managedBy
          ? [
              {
                url: eventType.managedBy.location,
                title: `Managed in ${eventType.managedBy.path}`,
              },
            ]
          : []),
      ],
    },
    spec: {
      type: 'asyncapi',
      lifecycle: eventType.deprecation ? 'deprecated' : eventType.lifecycle,
      owner: eventType.owner,
      // No line folding: long `$ref`s and URLs stay readable on one line.
      definition: stringify(
        eventTypeAsyncApiDocument({ eventType, version, registryUrl }),
        { lineWidth: 0 },
      ),
    },
  };
}

/**
 * A managed type's file, where the stock About card's "View source" and
 * edit buttons lead; and a refused change's reasons. (Entity providers
 * cannot set `status.items`: the catalog fills those from processing
 * errors only.)
 */
function managedAnnotations(eventType: EventType): Record<string, string> {
  const { managedBy, lastSync } = eventType;
  if (!managedBy) return {};
  return {
    [ANNOTATION_VIEW_URL]: managedBy.location,
    [ANNOTATION_EDIT_URL]: managedBy.location,
    ...(lastSync?.status === 'refused'
      ? { [ANNOTATION_EVENT_TYPE_SYNC_REFUSED]: lastSync.reasons.join('\n') }
      : {}),
  };
}
