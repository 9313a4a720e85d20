const MAX_TAG_LENGTH = 63;

/**
 * An event type's tags as the catalog accepts them: lowercase `[a-z0-9+#]`
 * words joined by single `-`, at most 63 characters. Anything else becomes a
 * `-`; tags that end up empty or too long are dropped rather than failing
 * the entity.
 *
 * @public
 */
export function eventTypeEntityTags(tags: string[]): string[] {
  const sanitized = tags
    .map(tag =>
      tag
        .toLocaleLowerCase('en-US')
        .replace(/[^a-z0-9+#]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(tag => tag.length > 0 && tag.length <= MAX_TAG_LENGTH);
  return [...new Set(sanitized)];
}
