import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * The config key of the path where the app mounts the event types' pages.
 *
 * @public
 */
export const EVENT_TYPES_PATH_CONFIG_KEY = 'eventSchemas.portal.eventTypesPath';

/**
 * Where the example app mounts the event-schemas page.
 *
 * @public
 */
export const DEFAULT_EVENT_TYPES_PATH = '/event-types';

/**
 * A tab of an event type's page in the portal. The frontend names the same
 * tabs in its routes (`/<name>/<tab>`).
 *
 * @public
 */
export type EventTypePageTab = 'overview' | 'versions' | 'delivery';

/**
 * The configured path of the event types' pages, `/event-types` unless
 * `eventSchemas.portal.eventTypesPath` says otherwise; without a trailing
 * slash. Throws on a value that is not an absolute path, so a typo fails the
 * backend's start rather than writing broken links into the catalog.
 *
 * @public
 */
export function readEventTypesPath(config: Config): string {
  const configured =
    config.getOptionalString(EVENT_TYPES_PATH_CONFIG_KEY) ??
    DEFAULT_EVENT_TYPES_PATH;
  const path = configured.replace(/\/+$/, '');
  if (
    !configured.startsWith('/') ||
    configured.startsWith('//') ||
    /[?#\s]/.test(configured)
  ) {
    throw new InputError(
      `Invalid ${EVENT_TYPES_PATH_CONFIG_KEY} '${configured}': it must be the path the app mounts the event-schemas page at, starting with one '/', e.g. '/event-types'`,
    );
  }
  return path;
}

/**
 * The path of an event type's page (or one of its tabs) in the portal, e.g.
 * `/event-types/com.example.playback.started/delivery`: for notifications,
 * whose links the notifications frontend resolves against the app.
 *
 * @public
 */
export function eventTypePagePath(
  config: Config,
  name: string,
  tab?: EventTypePageTab,
): string {
  const page = `${readEventTypesPath(config)}/${encodeURIComponent(name)}`;
  return tab ? `${page}/${tab}` : page;
}

/**
 * The absolute URL of an event type's page (or one of its tabs) in the
 * portal: `app.baseUrl` and {@link eventTypePagePath}. For links outside the
 * app, e.g. in catalog entities.
 *
 * @public
 */
export function eventTypePageUrl(
  config: Config,
  name: string,
  tab?: EventTypePageTab,
): string {
  const baseUrl = config.getString('app.baseUrl').replace(/\/+$/, '');
  return `${baseUrl}${eventTypePagePath(config, name, tab)}`;
}
