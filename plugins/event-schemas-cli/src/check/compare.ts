import {
  checkCompatibility,
  CompatibilityMode,
  EventTypeDefinition,
  EventTypeFileError,
  listSchemaReferences,
  readEventTypeFile,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { relative, sep } from 'node:path';
import { CliContext, errorMessage } from '../context';
import { GitRepository } from './git';
import { locate } from './locate';
import { LoadedFile, problemText } from './loadEventTypeFiles';
import {
  ReferenceSources,
  referenceSite,
  resolveReferences,
  UnresolvedReferenceError,
} from './references';
import { RegistryClient } from './registry';
import { schemaLocation } from './schemaLocation';
import { CheckComparison, CheckProblem } from './types';

const INCOMPATIBLE = 'Incompatible schema change';

/**
 * The problems for the reasons a schema change breaks compatibility, each
 * at the line of the schema path it names: in the file's inline schema, or
 * in its schema file.
 */
async function reasonProblems(options: {
  context: CliContext;
  file: LoadedFile;
  reasons: string[];
  suffix: string;
}): Promise<CheckProblem[]> {
  const { context, file, reasons, suffix } = options;
  const where = await schemaLocation({ context, file });
  return reasons.map(reason => {
    const schemaPath = /^(\/[^\s:]*):/.exec(reason)?.[1] ?? '';
    const pointer = `${where.prefix}${schemaPath}`;
    return {
      file: where.display,
      line: locate({ text: where.text, pointer }),
      pointer,
      message: `${reason}${suffix}`,
      title: INCOMPATIBLE,
    };
  });
}

/** A file as it was at a git ref, when it can be compared with it. */
export type EarlierFile =
  | { status: 'new' }
  | { status: 'not-compared'; warning: CheckProblem }
  | { status: 'found'; definition: EventTypeDefinition };

function notComparedWarning(options: {
  file: LoadedFile;
  ref: string;
  message: string;
}): CheckProblem {
  return {
    file: options.file.display,
    line: 1,
    pointer: '',
    message: `not compared with ${options.ref}: ${options.message}`,
    title: 'Not compared',
  };
}

/**
 * Reads the same file at a git ref, with its schema file there. A file
 * new since the ref is fine; a file there that cannot be read is a
 * warning, so that a pull request can fix a broken file.
 */
export async function readAtGitRef(options: {
  file: LoadedFile;
  repository: GitRepository;
  ref: string;
}): Promise<EarlierFile> {
  const { file, repository, ref } = options;
  const path = relative(repository.root, file.path).split(sep).join('/');
  const text = await repository.readAtRef(path);
  if (text === undefined) return { status: 'new' };
  try {
    const earlier = await readEventTypeFile({
      path,
      text,
      readFile: async schemaPath => {
        const schema = await repository.readAtRef(schemaPath);
        if (schema === undefined) {
          throw new Error(`${schemaPath} does not exist at ${ref}`);
        }
        return schema;
      },
    });
    return { status: 'found', definition: earlier.definition };
  } catch (error) {
    if (!(error instanceof EventTypeFileError)) throw error;
    return {
      status: 'not-compared',
      warning: notComparedWarning({
        file,
        ref,
        message: `the file there is not a valid event type file (${error.problems
          .map(problemText)
          .join('; ')})`,
      }),
    };
  }
}

/**
 * How a file's change reaches it through its references: the types it
 * references directly whose schema changed, or that reference a changed
 * one at any depth (`via`).
 */
export type ChangedReference = { eventType: string; via: string[] };

function describeThrough(references: ChangedReference[]): string {
  const names = references.map(r => `'${r.eventType}'`).join(', ');
  const via = [...new Set(references.flatMap(r => r.via))];
  return `through reference${references.length === 1 ? '' : 's'} to ${names}${
    via.length > 0
      ? ` (which reference${references.length === 1 ? 's' : ''} ${via
          .map(name => `'${name}'`)
          .join(', ')}, changed)`
      : ''
  }`;
}

/**
 * Compares a file's resolved schema with the file at a git ref, resolved
 * from the files at that ref, under the file's own compatibility mode.
 * When a referenced file changed, the reasons the file's own change does
 * not explain (its schema with the references as they were at the ref)
 * are reported as caused through the reference, at its `$ref`.
 */
export async function compareWithGitRef(options: {
  context: CliContext;
  file: LoadedFile;
  earlier: EarlierFile;
  ref: string;
  /** The references as they were at the ref. */
  atRef: ReferenceSources;
  /** The references at the ref, else as the files are now: the file's own change alone. */
  ownChange: ReferenceSources;
  changedReferences: ChangedReference[];
}): Promise<{ comparison: CheckComparison; warnings: CheckProblem[] }> {
  const { context, file, earlier, ref, atRef, ownChange, changedReferences } =
    options;
  const definition = file.definition!;
  // The registry's default for a type registered without one.
  const mode: CompatibilityMode = definition.compatibility ?? 'BACKWARD';
  const comparison = (status: CheckComparison['status']) => ({
    against: ref,
    status,
    mode,
  });
  if (earlier.status === 'new') {
    return { comparison: comparison('new'), warnings: [] };
  }
  if (earlier.status === 'not-compared') {
    return {
      comparison: comparison('not-compared'),
      warnings: [earlier.warning],
    };
  }
  const notCompared = (message: string) => ({
    comparison: comparison('not-compared'),
    warnings: [notComparedWarning({ file, ref, message })],
  });
  if (earlier.definition.format !== definition.format) {
    file.problems.push({
      file: file.display,
      line: locate({ text: file.text, pointer: '/format' }),
      pointer: '/format',
      message: `/format changed from ${earlier.definition.format} at ${ref} to ${definition.format}: an event type's format cannot change; declare a new event type instead`,
      title: INCOMPATIBLE,
    });
    return { comparison: comparison('incompatible'), warnings: [] };
  }
  const check = (candidate: string, previous: string) =>
    checkCompatibility({
      format: definition.format,
      mode,
      candidate,
      previous: [previous],
    });
  let previous: string;
  let result;
  try {
    previous = (
      await resolveReferences({
        format: definition.format,
        schema: earlier.definition.schema,
        sources: atRef,
      })
    ).schema;
  } catch (error) {
    if (
      !(error instanceof SchemaError) &&
      !(error instanceof UnresolvedReferenceError)
    ) {
      throw error;
    }
    return notCompared(
      `its schema there cannot be resolved from the files at ${ref}: ${errorMessage(
        error,
      )}`,
    );
  }
  try {
    result = check(file.resolvedSchema!, previous);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return notCompared(`its schema there is not valid: ${errorMessage(error)}`);
  }
  const own = await ownReasons({
    file,
    sources: ownChange,
    changedReferences,
    check: candidate => check(candidate, previous).messages,
  });
  const suffix = ` (not ${mode} compatible with ${ref})`;
  const through = result.messages.filter(reason => !own.has(reason));
  file.problems.push(
    ...(await reasonProblems({
      context,
      file,
      reasons: result.messages.filter(reason => own.has(reason)),
      suffix,
    })),
  );
  if (through.length > 0) {
    const site = await referenceSite({
      context,
      file,
      eventType: changedReferences[0].eventType,
    });
    const cause = describeThrough(changedReferences);
    file.problems.push(
      ...through.map(reason => ({
        ...site,
        message: `${cause}: ${reason}${suffix}`,
        title: INCOMPATIBLE,
      })),
    );
  }
  return {
    comparison: comparison(result.compatible ? 'compatible' : 'incompatible'),
    warnings: [],
  };
}

/**
 * The reasons the file's own change gives, with the files it references as
 * they were: all of them, unchanged, when no reference changed.
 */
async function ownReasons(options: {
  file: LoadedFile;
  sources: ReferenceSources;
  changedReferences: ChangedReference[];
  check: (candidate: string) => string[];
}): Promise<{ has(reason: string): boolean }> {
  const { file, sources, changedReferences, check } = options;
  if (changedReferences.length === 0) return { has: () => true };
  const definition = file.definition!;
  try {
    const candidate = await resolveReferences({
      format: definition.format,
      schema: definition.schema,
      sources,
    });
    return new Set(check(candidate.schema));
  } catch (error) {
    if (
      !(error instanceof SchemaError) &&
      !(error instanceof UnresolvedReferenceError)
    ) {
      throw error;
    }
    // The mix of old and new references does not resolve (a cycle that
    // exists only in it): no reason can be told apart, all count as own.
    return { has: () => true };
  }
}

/**
 * Asks the registry whether the file's schema could be registered as the
 * next version of its type; a type the registry does not have yet is new.
 * The schema goes as it is written: the registry resolves its references
 * from its own store, so a reference to a type that exists only as a file
 * is reported here, before asking.
 */
export async function compareWithRegistry(options: {
  context: CliContext;
  file: LoadedFile;
  client: RegistryClient;
  url: string;
  /** The types defined by the checked files. */
  fileTypes: ReadonlySet<string>;
}): Promise<CheckComparison> {
  const { context, file, client, url, fileTypes } = options;
  const definition = file.definition!;
  let unregistered = false;
  for (const reference of listSchemaReferences({
    format: definition.format,
    schema: definition.schema,
  })) {
    if (!fileTypes.has(reference.eventType)) continue; // read from the registry already
    if (await client.getVersion(reference)) continue;
    unregistered = true;
    file.problems.push({
      ...(await referenceSite({
        context,
        file,
        eventType: reference.eventType,
      })),
      message: `the reference to version ${reference.version} of '${reference.eventType}' is not registered yet: register '${reference.eventType}' first (the registry resolves references from what it stores, not from files)`,
      title: 'Unregistered reference',
    });
  }
  if (unregistered) return { against: url, status: 'not-compared' };
  const answer = await client.check({
    name: definition.name,
    schema: definition.schema,
  });
  if (answer.status === 'new') return { against: url, status: 'new' };
  if (answer.status === 'refused') {
    const pointer = file.schemaFile ? '/schemaFile' : '/schema';
    file.problems.push({
      file: file.display,
      line: locate({ text: file.text, pointer }),
      pointer,
      message: `the registry refuses the schema: ${answer.message}`,
      title: 'Refused by the registry',
    });
    return { against: url, status: 'incompatible' };
  }
  file.problems.push(
    ...(await reasonProblems({
      context,
      file,
      reasons: answer.messages,
      suffix: ' (as the registry checks it)',
    })),
  );
  return {
    against: url,
    status: answer.compatible ? 'compatible' : 'incompatible',
    ...(answer.impact !== undefined ? { impact: answer.impact } : {}),
  };
}
