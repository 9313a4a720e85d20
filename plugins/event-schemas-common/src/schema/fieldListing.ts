/**
 * One field of an event schema, for searching types by field and drawing a
 * field tree.
 *
 * @public
 */
export type SchemaField = {
  /**
   * Dotted path from the top of the event: `user.id`; array items add `[]`
   * (`tracks[].id`), Avro map values `.{}` (`attributes.{}.name`).
   */
  path: string;
  /** The field's own name, the last part of the path. */
  name: string;
  /** A short type: `string`, `integer`, `array<string>`, `string|null`, a record name... */
  type: string;
  /** Whether an event that has the enclosing object must have this field. */
  required: boolean;
  description?: string;
};

/** The fields found under one schema, and the names it makes required. */
export type FieldListing = {
  fields: Map<string, SchemaField>;
  required: Set<string>;
};

export function emptyListing(): FieldListing {
  return { fields: new Map(), required: new Set() };
}

export function joinPath(options: { prefix: string; name: string }): string {
  const { prefix, name } = options;
  return prefix ? `${prefix}.${name}` : name;
}

/** Joins type strings as alternatives: `string|null`. */
export function unionTypes(types: string[]): string {
  const parts = new Set(types.flatMap(type => type.split('|')));
  if (parts.has('any')) {
    return 'any';
  }
  return [...parts].join('|');
}

/**
 * Fields of schemas that all apply (allOf, a property next to its `$ref`): a
 * field is required if any of them requires it.
 */
export function mergeAll(listings: FieldListing[]): FieldListing {
  const merged = emptyListing();
  for (const listing of listings) {
    for (const field of listing.fields.values()) {
      const known = merged.fields.get(field.path);
      merged.fields.set(
        field.path,
        known
          ? {
              ...known,
              type: known.type === 'any' ? field.type : known.type,
              required: known.required || field.required,
              description: known.description ?? field.description,
            }
          : { ...field },
      );
    }
    listing.required.forEach(name => merged.required.add(name));
  }
  return merged;
}

/**
 * Fields of alternatives (anyOf, oneOf, union branches): a field is required
 * only if every alternative has it and requires it.
 */
export function mergeAny(listings: FieldListing[]): FieldListing {
  if (listings.length === 0) {
    return emptyListing();
  }
  const merged = emptyListing();
  for (const listing of listings) {
    for (const field of listing.fields.values()) {
      const known = merged.fields.get(field.path);
      const inAll = listings.every(other => other.fields.has(field.path));
      merged.fields.set(
        field.path,
        known
          ? {
              ...known,
              type: unionTypes([known.type, field.type]),
              required: known.required && field.required,
              description: known.description ?? field.description,
            }
          : { ...field, required: field.required && inAll },
      );
    }
  }
  for (const name of listings[0].required) {
    if (listings.every(listing => listing.required.has(name))) {
      merged.required.add(name);
    }
  }
  return merged;
}

/** Marks the direct children of `prefix` the listing requires. */
export function applyRequired(options: {
  listing: FieldListing;
  prefix: string;
}): FieldListing {
  const { listing, prefix } = options;
  for (const field of listing.fields.values()) {
    if (
      listing.required.has(field.name) &&
      field.path === joinPath({ prefix, name: field.name })
    ) {
      field.required = true;
    }
  }
  return listing;
}
