/** Avro's primitive type names: never qualified by a namespace. */
export const AVRO_PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** The last part of a dotted Avro name. */
export function unqualify(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** The namespace a full name implies, or '' for the null namespace. */
export function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? '' : fullName.slice(0, dot);
}

/**
 * The full name of `name` read inside `namespace`, as the specification (and
 * avsc) resolve it: dotted names are already full, primitives stay bare.
 */
export function qualify(options: { name: string; namespace: string }): string {
  const { name, namespace } = options;
  if (AVRO_PRIMITIVES.has(unqualify(name))) {
    return unqualify(name);
  }
  if (name.includes('.')) {
    return name.replace(/^\./, '');
  }
  return namespace ? `${namespace}.${name}` : name;
}
