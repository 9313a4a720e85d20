import { listSchemaReferences } from '@data-collection/plugin-event-schemas-common';
import { CliContext } from '../context';
import { locate } from './locate';
import { LoadedFile } from './loadEventTypeFiles';
import { referenceSite } from './references';
import { RegistryClient } from './registry';
import { schemaLocation } from './schemaLocation';
import { CheckComparison, CheckProblem } from './types';

/** The title of a problem that a schema change is not compatible. */
export const INCOMPATIBLE = 'Incompatible schema change';

/**
 * The problems for the reasons a schema change breaks compatibility, each
 * at the line of the schema path it names: in the file's inline schema, or
 * in its schema file.
 */
export async function reasonProblems(options: {
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
    ...(answer.referrers !== undefined ? { referrers: answer.referrers } : {}),
  };
}
