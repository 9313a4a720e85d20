import {
  ContractError,
  contractToEventType,
  DEFAULT_SCHEMA_LIMITS,
  eventTypeToContract,
  parseSchema,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { relative, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadEventTypeFiles } from '../check/loadEventTypeFiles';
import { CliContext, CliError, errorMessage, EXIT_CODES } from '../context';
import { readUserFile } from '../files';

/**
 * `event-schemas contract <file>`: the ODCS v3.1.0 contract of an event type
 * file, as the registry would serve it for the type (without the delivery
 * facts, which are the pipeline's configuration, and with version `draft`
 * unless `--schema-version` says which version the file is).
 */
export async function runContract(options: {
  context: CliContext;
  file: string;
  version?: number;
  json: boolean;
}): Promise<number> {
  const { context, file, version, json } = options;
  const path = resolve(context.cwd, file);
  const [loaded] = await loadEventTypeFiles({ context, paths: [path] });
  const problems = loaded.problems.map(
    p => `${p.file}:${p.line}: ${p.message}`,
  );
  if (loaded.definition) {
    try {
      parseSchema({
        format: loaded.definition.format,
        schema: loaded.definition.schema,
        limits: DEFAULT_SCHEMA_LIMITS,
      });
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      problems.push(`${loaded.display}: schema: ${error.message}`);
    }
  }
  if (!loaded.definition || problems.length > 0) {
    for (const problem of problems) context.stderr(`${problem}\n`);
    return EXIT_CODES.problems;
  }
  const { schema, ...eventType } = loaded.definition;
  const contract = eventTypeToContract({ eventType, schema, version });
  context.stdout(
    json ? `${JSON.stringify(contract, null, 2)}\n` : stringifyYaml(contract),
  );
  return EXIT_CODES.ok;
}

/**
 * `event-schemas from-contract <contract>`: an ODCS contract as an event
 * type file (printed, to commit beside the others), or registered at once
 * with `--registry` (`POST /api/event-schemas/contracts`).
 */
export async function runFromContract(options: {
  context: CliContext;
  file: string;
  registry?: string;
  json: boolean;
}): Promise<number> {
  const { context, file, registry, json } = options;
  const path = resolve(context.cwd, file);
  const display = relative(context.cwd, path) || file;
  const text = await readUserFile({ path, display });
  let eventType;
  try {
    eventType = contractToEventType(
      parseYaml(text, { maxAliasCount: 100, uniqueKeys: true }),
    );
  } catch (error) {
    if (error instanceof ContractError) {
      context.stderr(`${display}: ${error.message}\n`);
      return EXIT_CODES.problems;
    }
    throw new CliError(`${display}: not YAML or JSON: ${errorMessage(error)}`);
  }
  if (registry) {
    return registerContract({ context, registry, text, display, json });
  }
  // The file the registry's sync and `check` read: the schema inline, as
  // a YAML value rather than JSON text.
  const fileContent = { ...eventType, schema: JSON.parse(eventType.schema) };
  context.stdout(
    json
      ? `${JSON.stringify(fileContent, null, 2)}\n`
      : stringifyYaml(fileContent),
  );
  return EXIT_CODES.ok;
}

async function registerContract(options: {
  context: CliContext;
  registry: string;
  text: string;
  display: string;
  json: boolean;
}): Promise<number> {
  const { context, text, display, json } = options;
  const url = `${options.registry.replace(
    /\/+$/,
    '',
  )}/api/event-schemas/contracts`;
  const token = context.env.EVENT_SCHEMAS_TOKEN;
  let response: Response;
  try {
    response = await context.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/yaml',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: text,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    throw new CliError(
      `--registry: cannot reach ${url}: ${errorMessage(cause ?? error)}`,
    );
  }
  const body = (await response.json().catch(() => undefined)) as
    | { name?: string; version?: number; error?: { message?: string } }
    | undefined;
  if (response.status === 201) {
    context.stdout(
      json
        ? `${JSON.stringify(body)}\n`
        : `Registered ${body?.name} (version ${body?.version}) from ${display}\n`,
    );
    return EXIT_CODES.ok;
  }
  const message = body?.error?.message ?? response.statusText;
  if ([400, 403, 409].includes(response.status)) {
    // The registry refused the contract itself: a problem to fix, not a
    // failure to run.
    context.stderr(`${display}: refused (${response.status}): ${message}\n`);
    return EXIT_CODES.problems;
  }
  throw new CliError(
    `--registry: ${url} answered ${response.status}: ${message}`,
  );
}
