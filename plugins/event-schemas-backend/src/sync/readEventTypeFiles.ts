import { UrlReaderService } from '@backstage/backend-plugin-api';
import { NotModifiedError } from '@backstage/errors';
import {
  EVENT_TYPE_FILE_LIMITS,
  EventTypeDefinition,
  EventTypeFileError,
  isEventTypeFilePath,
  parseEventTypeFile,
  readEventTypeFile,
  resolveSchemaFilePath,
} from '@data-collection/plugin-event-schemas-common';
import { createHash } from 'node:crypto';

/** Bounds on one entity's tree of event type files. */
export const EVENT_TYPE_TREE_LIMITS = {
  maxFiles: 500,
  maxBytes: 20 * 1024 * 1024,
} as const;

/** One event type file of a tree, read or refused. */
export type EventTypeFileEntry =
  | {
      path: string;
      definition: EventTypeDefinition;
      /** Identifies the file's content: the same content, the same key. */
      changeKey: string;
    }
  | { path: string; problems: string[] };

/**
 * Reads the event type files of the tree at `url` through the URL reader
 * (so any SCM integration works). `undefined` when the tree has not
 * changed since `etag`. Files that a `schemaFile` names are schemas, not
 * event type files, and are not listed.
 */
export async function readEventTypeFiles(options: {
  urlReader: UrlReaderService;
  url: string;
  etag?: string;
}): Promise<{ etag: string; files: EventTypeFileEntry[] } | undefined> {
  const { urlReader, url } = options;
  let response;
  try {
    response = await urlReader.readTree(url, {
      etag: options.etag,
      // Schemas may be JSON or Avro (.avsc) beside the files.
      filter: (path, info) =>
        (isEventTypeFilePath(path) || /\.avsc$/i.test(path)) &&
        (info?.size ?? 0) <= EVENT_TYPE_FILE_LIMITS.maxBytes,
    });
  } catch (error) {
    if (error instanceof NotModifiedError) return undefined;
    throw error;
  }
  const files = await response.files();
  if (files.length > EVENT_TYPE_TREE_LIMITS.maxFiles) {
    throw new Error(
      `${url} holds ${files.length} files, more than the ${EVENT_TYPE_TREE_LIMITS.maxFiles} a sync reads; point the annotation at a directory of event type files`,
    );
  }
  const texts = new Map<string, string>();
  let bytes = 0;
  for (const file of files) {
    const content = await file.content();
    bytes += content.length;
    if (bytes > EVENT_TYPE_TREE_LIMITS.maxBytes) {
      throw new Error(
        `${url} holds more than ${EVENT_TYPE_TREE_LIMITS.maxBytes} bytes of event type files`,
      );
    }
    texts.set(normalize(file.path), content.toString('utf8'));
  }

  // First pass: which files are schemas named by a schemaFile.
  const schemaPaths = new Set<string>();
  for (const [path, text] of texts) {
    if (!isEventTypeFilePath(path)) continue;
    try {
      const parsed = parseEventTypeFile({ path, text });
      if (parsed.schemaFile) {
        schemaPaths.add(resolveSchemaFilePath(path, parsed.schemaFile));
      }
    } catch {
      // Reported in the second pass, unless it is a schema.
    }
  }

  const entries: EventTypeFileEntry[] = [];
  for (const [path, text] of [...texts].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (!isEventTypeFilePath(path) || schemaPaths.has(path)) continue;
    try {
      const { definition } = await readEventTypeFile({
        path,
        text,
        readFile: async schemaPath => {
          const schema = texts.get(schemaPath);
          if (schema === undefined) throw new Error('no such file');
          return schema;
        },
      });
      const changeKey = createHash('sha256')
        .update(JSON.stringify(definition))
        .digest('hex');
      entries.push({ path, definition, changeKey });
    } catch (error) {
      if (!(error instanceof EventTypeFileError)) throw error;
      entries.push({
        path,
        problems: error.problems.map(p =>
          p.pointer ? `${p.pointer} ${p.message}` : p.message,
        ),
      });
    }
  }
  return { etag: response.etag, files: entries };
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.?\//, '');
}
