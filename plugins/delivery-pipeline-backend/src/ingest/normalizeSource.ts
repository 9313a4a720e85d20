/** `scheme://authority` or `//authority`: kept as is, never climbed above. */
const AUTHORITY = /^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/?#]*/i;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * A CloudEvents `source` in the one form grants are matched against, or
 * `undefined` when it has none: escapes of unreserved characters decoded
 * (`%2e` is `.`), other escapes in upper case, runs of `/` in the path
 * collapsed, `.` segments dropped, `..` segments resolved, no trailing `/`.
 * A `..` that would climb above the start of the path (past the authority,
 * as in `//playback-service/../billing`) and an escaped `/` or `\` (which
 * some readers would take for a separator) have no normal form: such a
 * source matches no grant.
 */
export function normalizeSource(source: string): string | undefined {
  const decoded = source.replace(/%[0-9a-fA-F]{2}/g, escape => {
    const char = String.fromCharCode(parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  if (/%2F|%5C|\\/.test(decoded)) return undefined;
  const authority = AUTHORITY.exec(decoded)?.[0] ?? '';
  const rest = decoded.slice(authority.length);
  // The query and fragment are not path: kept as sent.
  const pathEnd = rest.search(/[?#]/);
  const path = pathEnd === -1 ? rest : rest.slice(0, pathEnd);
  const tail = pathEnd === -1 ? '' : rest.slice(pathEnd);
  const absolute = path.startsWith('/') || authority !== '';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  const normalPath = `${absolute && segments.length ? '/' : ''}${segments.join(
    '/',
  )}`;
  return `${authority.toLowerCase()}${normalPath}${tail}`;
}
