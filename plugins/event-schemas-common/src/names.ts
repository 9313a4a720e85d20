/**
 * The rule for event type names: 1 to 128 letters, digits, dots, dashes or
 * underscores, starting with a letter or digit and not ending with a dot.
 * The first character rules out the path segments `.` and `..` and hidden
 * files (`.hidden`); the last rules out names that Windows filesystems strip
 * to another name (`a.` is `a` there). Storage layouts build folder names,
 * object names and table ids from the name, so the rule is checked again
 * wherever one is built.
 *
 * @public
 */
export const EVENT_TYPE_NAME_PATTERN =
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9_-])?$/;

/**
 * The rule of {@link EVENT_TYPE_NAME_PATTERN} in words, for error messages.
 *
 * @public
 */
export const EVENT_TYPE_NAME_RULE =
  'must be 1 to 128 letters, digits, dots, dashes or underscores, start with a letter or digit and not end with a dot, e.g. com.example.playback.started';

/**
 * Whether a name follows {@link EVENT_TYPE_NAME_PATTERN}.
 *
 * @public
 */
export function isValidEventTypeName(name: unknown): name is string {
  return typeof name === 'string' && EVENT_TYPE_NAME_PATTERN.test(name);
}

/**
 * The names a registered type may have: the rule before names had to start
 * with a letter or digit (and not end with a dot). For look-ups, in paths
 * and queries, so that a type registered then can still be read, changed
 * and deleted; anything else is refused before it reaches a database or the
 * registry.
 *
 * @public
 */
export const EVENT_TYPE_NAME_LOOKUP_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Throws a `TypeError` unless a name follows {@link EVENT_TYPE_NAME_PATTERN};
 * for code that is about to build a path, object name or table id from a
 * name that should have been checked already.
 *
 * @public
 */
export function assertValidEventTypeName(name: unknown): string {
  if (!isValidEventTypeName(name)) {
    throw new TypeError(
      `Invalid event type name ${JSON.stringify(
        String(name).slice(0, 200),
      )}: ${EVENT_TYPE_NAME_RULE}`,
    );
  }
  return name;
}

/**
 * What a name becomes wherever storage may fold two names into one: folders
 * on case-insensitive filesystems (macOS, Windows) compare without case, and
 * BigQuery table ids turn `.` into `_`. Two types with the same key would
 * share a folder or a table, so the registry refuses a name whose key is
 * already taken.
 *
 * @public
 */
export function eventTypeNameKey(name: string): string {
  return name.toLowerCase().replace(/\./g, '_');
}
