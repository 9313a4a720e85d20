import {
  EventTypeDefinition,
  EventTypeFileError,
  parseEventTypeFile,
  readEventTypeFile,
  resolveSchemaFilePath,
} from '@data-collection/plugin-event-schemas-common';
import { promises as fs } from 'node:fs';
import { parse, relative, sep } from 'node:path';
import { CliContext } from '../context';
import { readUserFile } from '../files';
import { locate } from './locate';
import { CheckProblem } from './types';

/** An event type file as found on disk, read or not. */
export type LoadedFile = {
  /** Absolute. */
  path: string;
  /** Relative to the working directory. */
  display: string;
  text: string;
  /** When the file is valid in its format. */
  definition?: EventTypeDefinition;
  /** The schema file, absolute, when the file names one. */
  schemaFile?: string;
  /**
   * The schema with the versions it references copied in, once validated:
   * what it is checked and compared as, as the registry does.
   */
  resolvedSchema?: string;
  problems: CheckProblem[];
};

/** The `/`-separated path from the filesystem's root, as the reader takes paths. */
function fromRoot(path: string): { root: string; path: string } {
  const { root } = parse(path);
  return { root, path: relative(root, path).split(sep).join('/') };
}

/** The message of a file problem as a user reads it: pointer first. */
export function problemText(problem: {
  pointer: string;
  message: string;
}): string {
  return problem.pointer
    ? `${problem.pointer} ${problem.message}`
    : problem.message;
}

/** The pointer a problem's line is found at: an unknown field's own key. */
function pointerOfKey(problem: { pointer: string; message: string }): string {
  const unknown = /^has an unknown field '(.*)'$/.exec(problem.message);
  return unknown
    ? `${problem.pointer}/${unknown[1]
        .replace(/~/g, '~0')
        .replace(/\//g, '~1')}`
    : problem.pointer;
}

/** The problems of an EventTypeFileError, each at its line in the file. */
export function fileProblems(options: {
  error: EventTypeFileError;
  display: string;
  text: string;
  title: string;
}): CheckProblem[] {
  const { error, display, text, title } = options;
  return error.problems.map(problem => ({
    file: display,
    line: locate({ text, pointer: pointerOfKey(problem) }),
    pointer: problem.pointer,
    message: problemText(problem),
    title,
  }));
}

/**
 * Reads the event type files, with their schema files, and leaves out the
 * files that another file names as its `schemaFile` (a JSON schema beside
 * its event type file is not an event type file). A file that cannot be
 * read at all stops the check (exit 2); a file with problems carries them.
 */
export async function loadEventTypeFiles(options: {
  context: CliContext;
  paths: string[];
}): Promise<LoadedFile[]> {
  const { context, paths } = options;
  const texts = new Map<string, string>();
  const schemaFiles = new Set<string>();
  for (const path of paths) {
    const display = relative(context.cwd, path);
    const text = await readUserFile({ path, display });
    texts.set(path, text);
    try {
      const { schemaFile } = parseEventTypeFile({ path: display, text });
      if (schemaFile !== undefined) {
        const located = fromRoot(path);
        schemaFiles.add(
          located.root + resolveSchemaFilePath(located.path, schemaFile),
        );
      }
    } catch (error) {
      if (!(error instanceof EventTypeFileError)) throw error;
    }
  }
  const loaded: LoadedFile[] = [];
  for (const path of paths) {
    if (schemaFiles.has(path)) continue;
    const display = relative(context.cwd, path);
    const text = texts.get(path)!;
    const located = fromRoot(path);
    try {
      const read = await readEventTypeFile({
        path: located.path,
        text,
        readFile: file => fs.readFile(located.root + file, 'utf8'),
      });
      loaded.push({
        path,
        display,
        text,
        definition: read.definition,
        schemaFile:
          read.schemaFile === undefined
            ? undefined
            : located.root + read.schemaFile,
        problems: [],
      });
    } catch (error) {
      if (!(error instanceof EventTypeFileError)) throw error;
      loaded.push({
        path,
        display,
        text,
        problems: fileProblems({
          error,
          display,
          text,
          title: 'Invalid event type file',
        }),
      });
    }
  }
  return loaded;
}
