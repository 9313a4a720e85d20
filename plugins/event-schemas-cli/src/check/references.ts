import {
  DEFAULT_SCHEMA_LIMITS,
  EventTypeFormat,
  parseRegistryRef,
  REFERENCE_LIMITS,
  ResolvedSchema,
  resolveSchemaReferences,
  SchemaError,
  SchemaReference,
} from '@data-collection/plugin-event-schemas-common';
import { parse } from 'yaml';
import { CliContext } from '../context';
import { LoadedFile } from './loadEventTypeFiles';
import { locate } from './locate';
import { RegistryClient } from './registry';
import { schemaLocation } from './schemaLocation';
import { CheckProblem } from './types';

/** The limit on a resolved schema's size, as the registry holds it. */
export const RESOLVED_MAX_BYTES =
  DEFAULT_SCHEMA_LIMITS.maxBytes * REFERENCE_LIMITS.resolvedSizeFactor;

/** A type's schema as a reference resolves to it. */
export type ReferencedSchema = { format: EventTypeFormat; schema: string };

/**
 * What references resolve to on one side of a check: the schema of the
 * event type file that defines the type (a file holds a type's next
 * version, whatever version the reference names), else the registry's
 * registered version, when there is a registry.
 */
export type ReferenceSources = {
  /** By event type name. */
  files: ReadonlyMap<string, ReferencedSchema>;
  registry?: RegistryClient;
};

/** A reference that neither a file nor the registry resolves. */
export class UnresolvedReferenceError extends Error {
  readonly name = 'UnresolvedReferenceError';

  constructor(readonly reference: SchemaReference) {
    super(
      `no event type file defines '${reference.eventType}' (version ${reference.version} is referenced)`,
    );
  }
}

/**
 * A schema with its references resolved from `sources`, with the
 * registry's resolver and limits: a SchemaError for a cycle, a chain too
 * deep or a result too large, an UnresolvedReferenceError for a reference
 * nothing resolves.
 */
export function resolveReferences(options: {
  format: EventTypeFormat;
  schema: string;
  sources: ReferenceSources;
}): Promise<ResolvedSchema> {
  const { format, schema, sources } = options;
  return resolveSchemaReferences({
    format,
    schema,
    maxBytes: RESOLVED_MAX_BYTES,
    load: async reference => {
      const file = sources.files.get(reference.eventType);
      if (file) return file;
      const registered = await sources.registry?.getVersion(reference);
      if (registered) return registered;
      throw new UnresolvedReferenceError(reference);
    },
  });
}

/** The schemas of the files valid in their format, by event type name. */
export function fileSchemas(
  files: LoadedFile[],
): Map<string, ReferencedSchema> {
  const schemas = new Map<string, ReferencedSchema>();
  for (const { definition } of files) {
    // A duplicate name is a problem of its own; the first file counts.
    if (definition && !schemas.has(definition.name)) {
      schemas.set(definition.name, {
        format: definition.format,
        schema: definition.schema,
      });
    }
  }
  return schemas;
}

/**
 * The problem a failed resolution is for `file`: at the line of the
 * reference it names when the file's schema holds it, else at the schema.
 */
export async function referenceProblem(options: {
  context: CliContext;
  file: LoadedFile;
  error: SchemaError | UnresolvedReferenceError;
  /** What the user can do about a reference nothing resolves. */
  hint: string;
}): Promise<CheckProblem> {
  const { context, file, error, hint } = options;
  if (error instanceof UnresolvedReferenceError) {
    const { eventType, version } = error.reference;
    return {
      ...(await referenceSite({ context, file, eventType })),
      message: `the reference to version ${version} of '${eventType}' cannot be resolved: no event type file among the checked files defines '${eventType}'; ${hint}`,
      title: 'Unresolved reference',
    };
  }
  const pointer = file.schemaFile ? '/schemaFile' : '/schema';
  return {
    file: file.display,
    line: locate({ text: file.text, pointer }),
    pointer,
    message: `${pointer}: its references cannot be resolved: ${error.message}`,
    title: 'Invalid reference',
  };
}

/**
 * Where the file's schema names `eventType` in a reference, as a problem's
 * place: the line of that `$ref` (the first, when several name it), or of
 * the schema when the reference is further down the chain.
 */
export async function referenceSite(options: {
  context: CliContext;
  file: LoadedFile;
  eventType: string;
}): Promise<Pick<CheckProblem, 'file' | 'line' | 'pointer'>> {
  const { context, file, eventType } = options;
  const where = await schemaLocation({ context, file });
  let document: unknown;
  try {
    document = parse(where.text);
  } catch {
    document = undefined;
  }
  const prefix = where.prefix.split('/').slice(1);
  for (const segment of prefix) {
    document = (document as Record<string, unknown> | undefined)?.[segment];
  }
  const found = findReference({ value: document, eventType, pointer: '' });
  if (found === undefined) {
    const pointer = file.schemaFile ? '/schemaFile' : '/schema';
    return {
      file: file.display,
      line: locate({ text: file.text, pointer }),
      pointer,
    };
  }
  const pointer = `${where.prefix}${found}`;
  return {
    file: where.display,
    line: locate({ text: where.text, pointer }),
    pointer,
  };
}

/**
 * The pointer of the first string that names a registered version of
 * `eventType`, in any format's document: the schema's own structure says
 * where references are, and this needs only where one is written.
 */
function findReference(options: {
  value: unknown;
  eventType: string;
  pointer: string;
}): string | undefined {
  const { value, eventType, pointer } = options;
  if (typeof value === 'string') {
    return parseRegistryRef({ ref: value })?.eventType === eventType
      ? pointer
      : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = findReference({
      value: item,
      eventType,
      pointer: `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    });
    if (found !== undefined) return found;
  }
  return undefined;
}
