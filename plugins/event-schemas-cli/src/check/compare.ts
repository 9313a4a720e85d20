import {
  checkCompatibility,
  EventTypeFileError,
  readEventTypeFile,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { promises as fs } from 'node:fs';
import { relative, sep } from 'node:path';
import { CliContext, errorMessage } from '../context';
import { GitRepository } from './git';
import { locate } from './locate';
import { LoadedFile, problemText } from './loadEventTypeFiles';
import { RegistryCompatibilityClient } from './registry';
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
  let where = { display: file.display, text: file.text, prefix: '/schema' };
  if (file.schemaFile) {
    const text = await fs.readFile(file.schemaFile, 'utf8').catch(() => '');
    where = {
      display: relative(context.cwd, file.schemaFile),
      text,
      prefix: '',
    };
  }
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

/**
 * Compares a file's schema with the same file at a git ref, under the
 * file's own compatibility mode. A file new since the ref is fine; a file
 * there that cannot be read or compared is a warning, so that a pull
 * request can fix a broken file.
 */
export async function compareWithGitRef(options: {
  context: CliContext;
  file: LoadedFile;
  repository: GitRepository;
  ref: string;
}): Promise<{ comparison: CheckComparison; warnings: CheckProblem[] }> {
  const { context, file, repository, ref } = options;
  const definition = file.definition!;
  // The registry's default for a type registered without one.
  const mode = definition.compatibility ?? 'BACKWARD';
  const path = relative(repository.root, file.path).split(sep).join('/');
  const notCompared = (message: string) => ({
    comparison: { against: ref, status: 'not-compared' as const, mode },
    warnings: [
      {
        file: file.display,
        line: 1,
        pointer: '',
        message: `not compared with ${ref}: ${message}`,
        title: 'Not compared',
      },
    ],
  });
  const text = await repository.readAtRef(path);
  if (text === undefined) {
    return { comparison: { against: ref, status: 'new', mode }, warnings: [] };
  }
  let earlier;
  try {
    earlier = await readEventTypeFile({
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
  } catch (error) {
    if (!(error instanceof EventTypeFileError)) throw error;
    return notCompared(
      `the file there is not a valid event type file (${error.problems
        .map(problemText)
        .join('; ')})`,
    );
  }
  if (earlier.definition.format !== definition.format) {
    file.problems.push({
      file: file.display,
      line: locate({ text: file.text, pointer: '/format' }),
      pointer: '/format',
      message: `/format changed from ${earlier.definition.format} at ${ref} to ${definition.format}: an event type's format cannot change; declare a new event type instead`,
      title: INCOMPATIBLE,
    });
    return {
      comparison: { against: ref, status: 'incompatible', mode },
      warnings: [],
    };
  }
  let result;
  try {
    result = checkCompatibility({
      format: definition.format,
      mode,
      candidate: definition.schema,
      previous: [earlier.definition.schema],
    });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    return notCompared(`its schema there is not valid: ${errorMessage(error)}`);
  }
  file.problems.push(
    ...(await reasonProblems({
      context,
      file,
      reasons: result.messages,
      suffix: ` (not ${mode} compatible with ${ref})`,
    })),
  );
  return {
    comparison: {
      against: ref,
      status: result.compatible ? 'compatible' : 'incompatible',
      mode,
    },
    warnings: [],
  };
}

/**
 * Asks the registry whether the file's schema could be registered as the
 * next version of its type; a type the registry does not have yet is new.
 */
export async function compareWithRegistry(options: {
  context: CliContext;
  file: LoadedFile;
  client: RegistryCompatibilityClient;
  url: string;
}): Promise<CheckComparison> {
  const { context, file, client, url } = options;
  const definition = file.definition!;
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
