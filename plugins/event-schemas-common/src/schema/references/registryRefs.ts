/**
 * A reference to a registered version of an event type, as a JSON Schema
 * `$ref` names it.
 *
 * @public
 */
export type RegistryRef = {
  eventType: string;
  version: number;
  /** What follows `#`, without it: `''` for the whole schema, `/properties/x`. */
  fragment: string;
};

/**
 * The path of a registered version below the registry's API URL, with an
 * optional fragment. The name group is the lookup pattern's alphabet: the
 * name itself is checked when the version is looked up.
 */
const VERSION_PATH =
  /\/event-types\/([A-Za-z0-9._-]{1,128})\/versions\/([1-9][0-9]{0,8})(?:#(.*))?$/;

/**
 * The `$ref` that names version `version` of `eventType`: the canonical form
 * is the registry's API URL (`<baseUrl>/event-types/<name>/versions/<n>`).
 *
 * @public
 */
export function registryRefOf(options: {
  baseUrl: string;
  eventType: string;
  version: number;
  fragment?: string;
}): string {
  const { baseUrl, eventType, version, fragment } = options;
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/event-types/${eventType}/versions/${version}${
    fragment ? `#${fragment}` : ''
  }`;
}

/**
 * The registered version a `$ref` names, or undefined when it names none.
 * With `baseUrl`, only the registry's URL (`<baseUrl>/event-types/...`) and
 * its path on the same host (`/api/event-schemas/event-types/...`) count:
 * that is the rule at registration. Without it, any URL ending in
 * `/event-types/<name>/versions/<n>` counts: for readers of schemas the
 * registry already accepted (the portal, ingest), which may know the
 * registry by another URL than its own.
 *
 * @public
 */
export function parseRegistryRef(options: {
  ref: string;
  baseUrl?: string;
}): RegistryRef | undefined {
  const { ref, baseUrl } = options;
  if (ref.startsWith('#')) {
    return undefined;
  }
  const match = VERSION_PATH.exec(ref);
  if (!match) {
    return undefined;
  }
  if (baseUrl !== undefined) {
    const prefix = ref.slice(0, match.index);
    const base = baseUrl.replace(/\/+$/, '');
    let basePath: string;
    try {
      basePath = new URL(base).pathname.replace(/\/+$/, '');
    } catch {
      basePath = base;
    }
    if (prefix !== base && prefix !== basePath) {
      return undefined;
    }
  }
  return {
    eventType: match[1],
    version: Number(match[2]),
    fragment: match[3] ?? '',
  };
}
