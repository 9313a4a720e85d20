import {
  checkCompatibility,
  CompatibilityMode,
  DEFAULT_SCHEMA_LIMITS,
  EventTypeFormat,
  listSchemaReferences,
  parseSchema,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { relative, resolve } from 'node:path';
import { CliContext, CliError, EXIT_CODES } from '../context';
import { readUserFile } from '../files';

/** The outcome of `event-schemas compat`, as `--json` prints it. */
export type CompatOutcome = {
  compatible: boolean;
  format: EventTypeFormat;
  mode: CompatibilityMode;
  candidate: string;
  older: string[];
  messages: string[];
};

async function readSchemaFile(options: {
  context: CliContext;
  file: string;
  format: EventTypeFormat;
}): Promise<{ display: string; text: string }> {
  const { context, file, format } = options;
  const path = resolve(context.cwd, file);
  const display = relative(context.cwd, path) || file;
  const text = await readUserFile({ path, display });
  const references = listSchemaReferences({ format, schema: text });
  if (references.length > 0) {
    throw new CliError(
      `${display}: references ${references
        .map(r => `version ${r.version} of '${r.eventType}'`)
        .join(
          ', ',
        )}; compat takes self-contained schemas: check the event type files with \`event-schemas check\`, which resolves references`,
    );
  }
  try {
    // The registry's default limits: what registration would accept.
    parseSchema({ format, schema: text, limits: DEFAULT_SCHEMA_LIMITS });
  } catch (error) {
    if (error instanceof SchemaError) {
      throw new CliError(
        `${display}: not a valid ${format} schema: ${error.message}`,
      );
    }
    throw error;
  }
  return { display, text };
}

/**
 * Checks a candidate schema against older ones with the registry's engine:
 * non-transitive modes against the last older file, transitive ones
 * against all of them.
 */
export async function runCompat(options: {
  context: CliContext;
  format: EventTypeFormat;
  mode: CompatibilityMode;
  files: string[];
  json: boolean;
}): Promise<number> {
  const { context, format, mode, files, json } = options;
  if (files.length < 2) {
    throw new CliError(
      'compat needs at least two schema files: the older ones, oldest first, then the candidate',
    );
  }
  const schemas = [];
  for (const file of files) {
    schemas.push(await readSchemaFile({ context, file, format }));
  }
  const older = schemas.slice(0, -1);
  const candidate = schemas[schemas.length - 1];
  const result = checkCompatibility({
    format,
    mode,
    candidate: candidate.text,
    previous: older.map(schema => schema.text),
  });
  // The engine names the older version it refers to as `version N` (N
  // counted from 1) when it checks several; the files are what a user knows.
  const messages = result.messages.map(message =>
    message.replace(/^version (\d+): /, (whole, n: string) =>
      older[Number(n) - 1]
        ? `against ${older[Number(n) - 1].display}: `
        : whole,
    ),
  );
  const outcome: CompatOutcome = {
    compatible: result.compatible,
    format,
    mode,
    candidate: candidate.display,
    older: older.map(schema => schema.display),
    messages,
  };
  if (json) {
    context.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
  } else if (result.compatible) {
    context.stdout(
      `OK: ${candidate.display} is ${mode} compatible with ${describeOlder(
        outcome,
      )}\n`,
    );
  } else {
    context.stdout(
      `${candidate.display} is not ${mode} compatible with ${describeOlder(
        outcome,
      )}:\n${messages.map(message => `  ${message}\n`).join('')}`,
    );
  }
  return result.compatible ? EXIT_CODES.ok : EXIT_CODES.problems;
}

function describeOlder(outcome: CompatOutcome): string {
  if (outcome.mode === 'NONE') return 'anything (mode NONE)';
  return outcome.mode.endsWith('_TRANSITIVE')
    ? outcome.older.join(', ')
    : outcome.older[outcome.older.length - 1];
}
