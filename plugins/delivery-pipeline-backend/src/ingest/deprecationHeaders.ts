import { DeprecatedEventType } from './checkAgainstRegistry';

/**
 * The standard headers that tell an HTTP client it used something deprecated,
 * for a request that held events of deprecated types: `Deprecation` (RFC
 * 9745, since when) and `Sunset` (RFC 8594, when it stops working), each the
 * earliest among the types. Client libraries and API gateways log these
 * without knowing this API; the answer's `deprecated` list says which types.
 */
export function deprecationHeaders(
  deprecated: DeprecatedEventType[],
): Record<string, string> {
  if (deprecated.length === 0) return {};
  const earliest = (dates: number[]) => Math.min(...dates);
  const since = earliest(deprecated.map(d => Date.parse(d.deprecatedAt)));
  const sunsets = deprecated.flatMap(d =>
    d.sunsetAt ? [Date.parse(d.sunsetAt)] : [],
  );
  return {
    ...(Number.isFinite(since)
      ? { Deprecation: `@${Math.floor(since / 1000)}` }
      : {}),
    ...(sunsets.length > 0
      ? { Sunset: new Date(earliest(sunsets)).toUTCString() }
      : {}),
  };
}
