import Ajv, { ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import {
  CompatibilityMode,
  CompatibilityScope,
  EventTypeFormat,
} from '../types';
import { EVENT_TYPE_FILE_SCHEMA } from './eventTypeFileSchema';

/**
 * An event type as its file declares it: the body of the registry's create
 * request (`POST /api/event-schemas/event-types`), with the schema as text,
 * and its deprecation (the `deprecation` of `PATCH`), if any.
 *
 * @public
 */
export type EventTypeDefinition = {
  name: string;
  title?: string;
  description?: string;
  owner: string;
  lifecycle?: string;
  tags?: string[];
  format: EventTypeFormat;
  compatibility?: CompatibilityMode;
  compatibilityScope?: CompatibilityScope;
  /** Deprecated, with the date it is retired at; absent for an active type. */
  deprecation?: { reason: string; successor?: string; sunsetAt: string };
  retention?: { raw?: string; delivered?: string };
  sla?: { maxLateness: string };
  personalDataFields?: string[];
  dataSubject?: string;
  /** The schema's text: as written in its `schemaFile`, or the inline value as JSON. */
  schema: string;
};

/**
 * One problem of an event type file, at a JSON pointer into the file
 * (`/owner`, `/tags/2`; empty for the whole file).
 *
 * @public
 */
export type EventTypeFileProblem = { pointer: string; message: string };

/**
 * An event type file that cannot be read: every problem found, each with
 * where it is.
 *
 * @public
 */
export class EventTypeFileError extends Error {
  readonly name = 'EventTypeFileError';
  /** The file's path, as the caller named it. */
  readonly path: string;
  readonly problems: EventTypeFileProblem[];

  constructor(path: string, problems: EventTypeFileProblem[]) {
    super(
      `${path} is not a valid event type file: ${problems
        .map(p => (p.pointer ? `${p.pointer} ${p.message}` : p.message))
        .join('; ')}`,
    );
    this.path = path;
    this.problems = problems;
  }
}

/**
 * Limits on what reading a file may cost: event type files come from
 * repositories anyone in the company can push to.
 *
 * @public
 */
export const EVENT_TYPE_FILE_LIMITS = {
  /** Of the event type file, and of a schema file. */
  maxBytes: 1024 * 1024,
  /** YAML aliases, so that a "billion laughs" file stays small. */
  maxAliasCount: 100,
} as const;

/**
 * Whether a path names an event type file by its extension.
 *
 * @public
 */
export function isEventTypeFilePath(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path);
}

let validateFile: ReturnType<Ajv['compile']> | undefined;

function validator() {
  if (!validateFile) {
    // allErrors: a user fixing a file wants every problem at once. Our own
    // schema's patterns are simple and bounded, so plain RegExp is safe.
    validateFile = new Ajv({ allErrors: true, strict: false }).compile(
      EVENT_TYPE_FILE_SCHEMA,
    );
  }
  return validateFile;
}

function describe(error: ErrorObject): EventTypeFileProblem {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        pointer,
        message: `has an unknown field '${params.additionalProperty}'`,
      };
    case 'required':
      return {
        pointer,
        message: `must have '${params.missingProperty}'`,
      };
    case 'enum':
      return {
        pointer,
        message: `must be one of ${(params.allowedValues as unknown[]).join(
          ', ',
        )}`,
      };
    case 'oneOf':
      return {
        pointer,
        message: 'must have exactly one of schema and schemaFile',
      };
    default:
      return { pointer, message: error.message ?? 'is invalid' };
  }
}

/**
 * What {@link parseEventTypeFile} found in a file: the definition, and where
 * its schema is when it is not inline.
 *
 * @public
 */
export type ParsedEventTypeFile = {
  /** Without `schema` when the file names a `schemaFile`. */
  definition: Omit<EventTypeDefinition, 'schema'> & { schema?: string };
  /** `schemaFile` as written, relative to the file. */
  schemaFile?: string;
};

/**
 * Parses and checks an event type file (YAML or JSON; JSON is YAML) against
 * {@link EVENT_TYPE_FILE_SCHEMA}. Throws {@link EventTypeFileError} listing
 * every problem. Pure: a `schemaFile` is returned, not read (see
 * {@link readEventTypeFile}).
 *
 * @public
 */
export function parseEventTypeFile(options: {
  path: string;
  text: string;
}): ParsedEventTypeFile {
  const { path, text } = options;
  if (text.length > EVENT_TYPE_FILE_LIMITS.maxBytes) {
    throw new EventTypeFileError(path, [
      {
        pointer: '',
        message: `is larger than ${EVENT_TYPE_FILE_LIMITS.maxBytes} bytes`,
      },
    ]);
  }
  const document = parseDocument(text, {
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (document.errors.length > 0) {
    throw new EventTypeFileError(
      path,
      document.errors.slice(0, 10).map(error => ({
        pointer: '',
        message: `is not valid YAML or JSON: ${error.message.split('\n')[0]}`,
      })),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({
      maxAliasCount: EVENT_TYPE_FILE_LIMITS.maxAliasCount,
    });
  } catch (error) {
    throw new EventTypeFileError(path, [
      { pointer: '', message: `cannot be read: ${(error as Error).message}` },
    ]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventTypeFileError(path, [
      { pointer: '', message: 'must be a mapping of the event type’s fields' },
    ]);
  }
  const validate = validator();
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      // The oneOf branches' own errors only repeat the oneOf's.
      .filter(error => !error.schemaPath.startsWith('#/oneOf/'))
      .slice(0, 50)
      .map(describe);
    throw new EventTypeFileError(path, problems);
  }
  const {
    $schema: _editorSchema,
    schema,
    schemaFile,
    ...rest
  } = value as Record<string, unknown>;
  const definition = rest as ParsedEventTypeFile['definition'];
  if (schema !== undefined) {
    definition.schema =
      typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2);
  }
  return schemaFile === undefined
    ? { definition }
    : { definition, schemaFile: schemaFile as string };
}

/**
 * Resolves a `schemaFile` against the file that names it, as a
 * `/`-separated path relative to the same root. Refuses absolute paths and
 * paths that leave the root, so a synced repository cannot make the
 * registry read outside it.
 *
 * @public
 */
export function resolveSchemaFilePath(
  eventTypeFilePath: string,
  schemaFile: string,
): string {
  if (/^([a-z][a-z0-9+.-]*:|\/|\\)/i.test(schemaFile)) {
    throw new EventTypeFileError(eventTypeFilePath, [
      {
        pointer: '/schemaFile',
        message: `must be a path relative to the file, got '${schemaFile}'`,
      },
    ]);
  }
  const parts = eventTypeFilePath.split('/').slice(0, -1);
  for (const part of schemaFile.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0 || parts[parts.length - 1] === '..') {
        throw new EventTypeFileError(eventTypeFilePath, [
          {
            pointer: '/schemaFile',
            message: `must stay inside the repository, got '${schemaFile}'`,
          },
        ]);
      }
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

/**
 * Reads an event type file and, when it names one, its schema file, through
 * `readFile` (a filesystem, a git tree or an SCM integration). `path` is
 * `/`-separated and relative to the root `readFile` reads from.
 *
 * @public
 */
export async function readEventTypeFile(options: {
  path: string;
  text: string;
  readFile: (path: string) => Promise<string>;
}): Promise<{ definition: EventTypeDefinition; schemaFile?: string }> {
  const { path, text, readFile } = options;
  const parsed = parseEventTypeFile({ path, text });
  if (parsed.schemaFile === undefined) {
    return { definition: parsed.definition as EventTypeDefinition };
  }
  const schemaPath = resolveSchemaFilePath(path, parsed.schemaFile);
  let schema: string;
  try {
    schema = await readFile(schemaPath);
  } catch (error) {
    throw new EventTypeFileError(path, [
      {
        pointer: '/schemaFile',
        message: `names ${schemaPath}, which cannot be read: ${
          (error as Error).message
        }`,
      },
    ]);
  }
  if (schema.length > EVENT_TYPE_FILE_LIMITS.maxBytes) {
    throw new EventTypeFileError(path, [
      {
        pointer: '/schemaFile',
        message: `names ${schemaPath}, which is larger than ${EVENT_TYPE_FILE_LIMITS.maxBytes} bytes`,
      },
    ]);
  }
  return {
    definition: { ...parsed.definition, schema },
    schemaFile: schemaPath,
  };
}
