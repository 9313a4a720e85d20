import { SchemaError } from '../SchemaError';
import { namespaceOf, qualify } from '../avro/names';
import { normalizeAvroSchema } from '../avro/normalize';
import { parseJsonText } from '../json';
import {
  LoadReference,
  ResolvedSchema,
  SchemaReference,
  addReference,
  assertNoCycle,
  assertResolvedSize,
  loadReferenced,
  referenceKey,
} from './referenceChain';
import { RegistryRef, parseRegistryRef } from './registryRefs';

type JsonObject = Record<string, unknown>;

const NAMED_TYPES = new Set(['record', 'error', 'enum', 'fixed']);

/** Where a type is being read: the names it resolves against, who wrote it. */
type Context = {
  /** The enclosing namespace, '' for the null namespace. */
  namespace: string;
  /** The referenced versions that led here (`<name>@<version>`). */
  chain: string[];
};

/**
 * An Avro schema's references to registered versions resolved. A reference
 * is a registry URL written where a type may be written as a name: a
 * field's type, a union branch, array items, map values, or the whole
 * schema. Avro defines a named type where it first appears (depth first),
 * so the first reference to a version is replaced by that version's schema
 * and every later one by its full name. Referenced versions must be Avro
 * named types (record, enum or fixed), and no full name may be defined by
 * two of them, or by one of them and the referencing schema.
 */
export async function resolveAvroReferences(options: {
  schema: string;
  load: LoadReference;
  baseUrl?: string;
  maxBytes: number;
}): Promise<ResolvedSchema> {
  const { schema, load, baseUrl, maxBytes } = options;
  const root = parseJsonText({ text: schema });
  // The full name of each included version's top-level type.
  const included = new Map<string, string>();
  // Who defines each full name: a version's key, or '' for the schema.
  const definedBy = new Map<string, string>();
  const references: SchemaReference[] = [];

  const ownerName = (owner: string) =>
    owner === '' ? 'this schema' : `version ${owner}`;

  const define = (fullName: string, owner: string) => {
    const other = definedBy.get(fullName);
    if (other !== undefined && other !== owner) {
      throw new SchemaError(
        `'${fullName}' is defined by both ${ownerName(other)} and ${ownerName(
          owner,
        )}: an Avro schema may define a name once; rename one of them, or reference the version that defines it instead`,
      );
    }
    definedBy.set(fullName, owner);
  };

  async function include(
    target: RegistryRef,
    ref: string,
    context: Context,
  ): Promise<unknown> {
    if (target.fragment !== '') {
      throw new SchemaError(
        `'${ref}': an Avro schema references a whole registered version, without a fragment ('#...')`,
      );
    }
    const key = referenceKey(target);
    assertNoCycle({ key, chain: context.chain });
    const fullName = included.get(key);
    if (fullName !== undefined) {
      return nameIn({ fullName, namespace: context.namespace });
    }
    const text = await loadReferenced({
      reference: target,
      ref,
      chain: context.chain,
      included: included.size,
      format: 'avro',
      load,
    });
    const referenced = parseJsonText({ text });
    if (!isNamedType(referenced)) {
      throw new SchemaError(
        `'${ref}' names a schema whose top level is ${describeType(
          referenced,
        )}; an Avro schema can reference named types only (record, enum or fixed)`,
      );
    }
    // Full names everywhere, so that the copy means the same wherever it
    // lands; its own references are kept as written, and resolved below.
    const copy = normalizeAvroSchema({ schema: referenced }) as JsonObject;
    const name = copy.name as string;
    included.set(key, name);
    if (!name.includes('.') && context.namespace !== '') {
      copy.namespace = '';
    }
    return resolveType(copy, {
      namespace: context.namespace,
      chain: [...context.chain, key],
    });
  }

  async function resolveType(
    type: unknown,
    context: Context,
  ): Promise<unknown> {
    if (typeof type === 'string') {
      // The registry accepted referenced versions, so their references are
      // its own: only the schema itself is held to the canonical form.
      const target = parseRegistryRef({
        ref: type,
        baseUrl: context.chain.length === 0 ? baseUrl : undefined,
      });
      if (!target) {
        return type;
      }
      if (context.chain.length === 0) {
        addReference(references, target);
      }
      return include(target, type, context);
    }
    if (Array.isArray(type)) {
      const branches: unknown[] = [];
      for (const branch of type) {
        branches.push(await resolveType(branch, context));
      }
      return branches;
    }
    if (!isObject(type)) {
      return type;
    }
    if (type.type === 'array' && 'items' in type) {
      return { ...type, items: await resolveType(type.items, context) };
    }
    if (type.type === 'map' && 'values' in type) {
      return { ...type, values: await resolveType(type.values, context) };
    }
    if (!isNamedType(type)) {
      return type;
    }
    const fullName = qualify({
      name: type.name as string,
      namespace:
        typeof type.namespace === 'string' ? type.namespace : context.namespace,
    });
    define(fullName, context.chain[context.chain.length - 1] ?? '');
    if (!Array.isArray(type.fields)) {
      return type;
    }
    const inner = { ...context, namespace: namespaceOf(fullName) };
    const fields: unknown[] = [];
    for (const field of type.fields) {
      fields.push(
        isObject(field) && 'type' in field
          ? { ...field, type: await resolveType(field.type, inner) }
          : field,
      );
    }
    return { ...type, fields };
  }

  const resolved = await resolveType(root, { namespace: '', chain: [] });
  if (references.length === 0) {
    return { schema, references };
  }
  const text = JSON.stringify(resolved);
  assertResolvedSize({ text, maxBytes });
  return { schema: text, references };
}

/** The registered versions an Avro schema references, each once. */
export function listAvroReferences(options: {
  schema: unknown;
}): SchemaReference[] {
  const references: SchemaReference[] = [];
  mapAvroReferences({
    schema: options.schema,
    replace: (ref, target) => {
      addReference(references, target);
      return ref;
    },
  });
  return references;
}

/**
 * The schema with each reference to a registered version (in any form, as
 * parseRegistryRef reads it without a base) replaced by what `replace`
 * returns for it, in definition order; for readers that do not resolve.
 */
export function mapAvroReferences(options: {
  schema: unknown;
  replace: (ref: string, target: RegistryRef) => unknown;
}): unknown {
  const { replace } = options;
  const map = (type: unknown): unknown => {
    if (typeof type === 'string') {
      const target = parseRegistryRef({ ref: type });
      return target ? replace(type, target) : type;
    }
    if (Array.isArray(type)) {
      return type.map(map);
    }
    if (!isObject(type)) {
      return type;
    }
    if (type.type === 'array' && 'items' in type) {
      return { ...type, items: map(type.items) };
    }
    if (type.type === 'map' && 'values' in type) {
      return { ...type, values: map(type.values) };
    }
    if (isNamedType(type) && Array.isArray(type.fields)) {
      return {
        ...type,
        fields: type.fields.map(field =>
          isObject(field) && 'type' in field
            ? { ...field, type: map(field.type) }
            : field,
        ),
      };
    }
    return type;
  };
  return map(options.schema);
}

/**
 * How to write a reference to `fullName` inside `namespace`. A name in the
 * null namespace has no full form that Avro reads as such inside another
 * namespace; avsc reads a leading dot as one.
 */
function nameIn(options: { fullName: string; namespace: string }): string {
  const { fullName, namespace } = options;
  return fullName.includes('.') || namespace === '' ? fullName : `.${fullName}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamedType(value: unknown): value is JsonObject {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    NAMED_TYPES.has(value.type) &&
    typeof value.name === 'string'
  );
}

function describeType(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a union';
  if (isObject(value) && typeof value.type === 'string') {
    return `'${value.type}'`;
  }
  return 'not a type';
}
