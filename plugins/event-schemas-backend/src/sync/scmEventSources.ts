import { CatalogScmEvent } from '@backstage/plugin-catalog-node/alpha';

/** An annotated entity, by the URLs an SCM event may name. */
export type ScmEventSource = {
  entityRef: string;
  /** The directory of its event type files, when the annotation resolves. */
  filesLocation?: string;
  /** Where the entity itself is defined (its catalog-info file). */
  entityLocation?: string;
};

/**
 * The sources that the events may have changed: those whose files location
 * equals an updated location or lies under an updated repository, as the
 * catalog's GenericScmEventRefreshProvider decides which entities to
 * refresh. A location event of a file inside the files directory, or of
 * the entity's own file (its annotation may have changed), counts too:
 * the files are read here, not by the catalog.
 */
export function sourcesChangedBy(options: {
  events: CatalogScmEvent[];
  sources: ScmEventSource[];
}): string[] {
  const locations: string[] = [];
  const repositories: string[] = [];
  for (const event of options.events) {
    switch (event.type) {
      case 'location.created':
      case 'location.updated':
      case 'location.deleted':
        locations.push(event.url);
        break;
      case 'location.moved':
        locations.push(event.fromUrl, event.toUrl);
        break;
      case 'repository.updated':
        // As the catalog: a URL with a query or fragment is no prefix.
        if (!/[?#]/.test(event.url)) repositories.push(event.url);
        break;
      default:
        // Created, moved and deleted repositories: the schedule and the
        // catalog's own processing catch up with those.
        break;
    }
  }
  const changed = locations.map(normalize).filter(isDefined);
  const prefixes = repositories
    .map(normalize)
    .filter(isDefined)
    .map(asDirectory);
  return options.sources
    .filter(source => {
      const files = source.filesLocation && normalize(source.filesLocation);
      const entity = source.entityLocation && normalize(source.entityLocation);
      return (
        (files &&
          (prefixes.some(prefix => asDirectory(files).startsWith(prefix)) ||
            changed.some(
              url => url === files || url.startsWith(asDirectory(files)),
            ))) ||
        (entity && changed.includes(entity))
      );
    })
    .map(source => source.entityRef);
}

/**
 * A URL in one spelling: GitHub and GitLab name a file `blob` and a
 * directory `tree` (the catalog tries both), trailing slashes dropped.
 * Undefined for what is not an absolute URL.
 */
function normalize(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  parsed.hash = '';
  return parsed.href.replace('/blob/', '/tree/').replace(/\/+$/, '');
}

function asDirectory(url: string): string {
  return `${url}/`;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
