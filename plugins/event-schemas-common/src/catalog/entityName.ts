/** The catalog's rule for `metadata.name`, Kubernetes object name style. */
const VALID_ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const MAX_ENTITY_NAME_LENGTH = 63;
/** Hex digits of the 64-bit hash that tells apart names sharing a prefix. */
const HASH_LENGTH = 16;

const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const UINT64_MASK = 0xffffffffffffffffn;

/**
 * 64-bit FNV-1a of the UTF-8 bytes, as 16 hex digits. Pure JS rather than
 * node's crypto so that the mapping can move to the browser unchanged.
 */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & UINT64_MASK;
  }
  return hash.toString(16).padStart(HASH_LENGTH, '0');
}

/**
 * The `metadata.name` of the catalog `API` entity of an event type, or with
 * a `suffix` of another entity derived from it (its dataset: `-dataset`).
 *
 * @remarks
 *
 * A name that is a valid entity name (at most 63 characters with the suffix,
 * letters or digits at both ends) is used as it is. Any other name (event
 * type names may have 128 characters) becomes its first characters, a `-`
 * and a 64-bit hash of the whole name, then the suffix, so that long names
 * sharing a prefix still map to different entities and the same name always
 * maps to the same entity.
 *
 * @public
 */
export function eventTypeEntityName(name: string, suffix = ''): string {
  const maxLength = MAX_ENTITY_NAME_LENGTH - suffix.length;
  if (name.length <= maxLength && VALID_ENTITY_NAME.test(name)) {
    return `${name}${suffix}`;
  }
  const prefix = name
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, maxLength - 1 - HASH_LENGTH)
    .replace(/[._-]+$/, '');
  const hash = fnv1a64(name);
  return `${prefix ? `${prefix}-${hash}` : hash}${suffix}`;
}
