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
import { INCOMPATIBLE, reasonProblems } from './compare';
import { GitRepository } from './git';
import { locate } from './locate';
import { LoadedFile, problemText } from './loadEventTypeFiles';
import { changesBelow } from './referenceGraph';
import {
  ReferencedSchema,
  ReferenceSources,
  referenceSite,
  resolveReferences,
  UnresolvedReferenceError,
} from './references';
import { CheckComparison, CheckProblem, FileOutcome } from './types';

/**
 * Compares every file with its version at a git ref, each side resolved
 * from the files as they are on that side. A change to a referenced file
 * reaches every file that references it, at any depth: those are told
 * which changed references explain their problems.
 */
export async function compareFilesWithGitRef(options: {
  context: CliContext;
  files: LoadedFile[];
  comparable: LoadedFile[];
  sources: ReferenceSources;
  /** The repository that holds a file. */
  repositoryOf: (path: string) => GitRepository;
  ref: string;
  outcomes: Map<string, FileOutcome>;
}): Promise<void> {
  const { context, files, comparable, sources, repositoryOf, ref, outcomes } =
    options;
  const earlier = new Map<LoadedFile, EarlierFile>();
  const atRef = new Map<string, ReferencedSchema>();
  for (const file of files) {
    const found = await readAtGitRef({
      file,
      repository: repositoryOf(file.path),
      ref,
    });
    earlier.set(file, found);
    if (found.status === 'found' && !atRef.has(found.definition.name)) {
      atRef.set(found.definition.name, {
        format: found.definition.format,
        schema: found.definition.schema,
      });
    }
  }
  const changed = new Set<string>();
  const references = new Map<string, Set<string>>();
  const addReferences = (name: string, schema: ReferencedSchema) => {
    if (!references.has(name)) references.set(name, new Set());
    for (const reference of listSchemaReferences(schema)) {
      references.get(name)!.add(reference.eventType);
    }
  };
  for (const file of files) {
    const then = earlier.get(file)!;
    const before = then.status === 'found' ? then.definition : undefined;
    const now = file.definition;
    if (now) addReferences(now.name, now);
    if (before) addReferences(before.name, before);
    if (now && before?.schema !== now.schema) changed.add(now.name);
    if (before && before.schema !== now?.schema) changed.add(before.name);
  }
  const below = changesBelow({ references, changed });
  const ownChange: ReferenceSources = {
    files: new Map([...sources.files, ...atRef]),
  };
  for (const file of comparable) {
    const definition = file.definition!;
    const changedReferences = [
      ...new Set(
        listSchemaReferences(definition).map(reference => reference.eventType),
      ),
    ]
      .filter(name => changed.has(name) || below.has(name))
      .map(name => ({
        eventType: name,
        via: [...(below.get(name) ?? [])].filter(via => via !== name),
      }));
    const outcome = outcomes.get(file.path)!;
    const { comparison, warnings } = await compareWithGitRef({
      context,
      file,
      earlier: earlier.get(file)!,
      ref,
      atRef: { files: atRef },
      ownChange,
      changedReferences,
    });
    outcome.comparison = comparison;
    outcome.warnings.push(...warnings);
  }
}

/** A file as it was at a git ref, when it can be compared with it. */
type EarlierFile =
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
async function readAtGitRef(options: {
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
type ChangedReference = { eventType: string; via: string[] };

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
async function compareWithGitRef(options: {
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
