import { dirname, relative, resolve, isAbsolute, sep } from 'node:path';
import { promises as fs } from 'node:fs';
import { CliContext, CliError, EXIT_CODES } from '../context';
import { formatAnnotation } from './annotations';
import { compareWithRegistry } from './compare';
import { describeRegistryFindings } from './registryFindings';
import { compareFilesWithGitRef } from './compareWithGitRef';
import { findEventTypeFiles } from './findEventTypeFiles';
import { GitRepository } from './git';
import { LoadedFile, loadEventTypeFiles } from './loadEventTypeFiles';
import { fileSchemas, ReferenceSources } from './references';
import { RegistryClient } from './registry';
import { CheckOutcome, CheckProblem, FileOutcome } from './types';
import { checkDuplicateNames, validateDefinition } from './validateDefinition';

/** The environment variable that holds the registry's bearer token. */
export const TOKEN_VARIABLE = 'EVENT_SCHEMAS_TOKEN';

/**
 * Validates the event type files under `paths` and, with `against` or
 * `registry`, compares each schema with its earlier version.
 */
export async function runCheck(options: {
  context: CliContext;
  paths: string[];
  against?: string;
  registry?: string;
  json: boolean;
}): Promise<number> {
  const { context, paths, against, registry, json } = options;
  if (against !== undefined && registry !== undefined) {
    throw new CliError(
      'check takes --against or --registry, not both: compare with a git ref or with the live registry',
    );
  }
  const client = registry
    ? new RegistryClient({
        url: parseRegistryUrl(registry),
        token: context.env[TOKEN_VARIABLE],
        fetch: context.fetch,
      })
    : undefined;
  const repositories = against
    ? await openRepositories({ context, paths, ref: against })
    : undefined;

  const files = await loadEventTypeFiles({
    context,
    paths: await findEventTypeFiles({ context, paths }),
  });
  checkDuplicateNames(files);
  const sources: ReferenceSources = {
    files: fileSchemas(files),
    ...(client ? { registry: client } : {}),
  };
  const comparable: LoadedFile[] = [];
  for (const file of files) {
    if (
      await validateDefinition({
        context,
        file,
        sources,
        hint: unresolvedHint({ against, registry }),
      })
    ) {
      comparable.push(file);
    }
  }
  const outcomes = new Map<string, FileOutcome>(
    files.map(file => [
      file.path,
      {
        path: file.display,
        ...(file.definition ? { name: file.definition.name } : {}),
        ok: true,
        problems: file.problems,
        warnings: [],
      },
    ]),
  );
  if (repositories && against) {
    await compareFilesWithGitRef({
      context,
      files,
      comparable,
      sources,
      repositoryOf: path => repositoryOf(repositories, path),
      ref: against,
      outcomes,
    });
  } else if (client && registry) {
    const fileTypes = new Set(sources.files.keys());
    for (const file of comparable) {
      outcomes.get(file.path)!.comparison = await compareWithRegistry({
        context,
        file,
        client,
        url: registry,
        fileTypes,
      });
    }
  }
  const result: CheckOutcome = {
    ok: true,
    ...(against !== undefined ? { against } : {}),
    ...(registry !== undefined ? { registry } : {}),
    files: [...outcomes.values()].map(outcome => ({
      ...outcome,
      ok: outcome.problems.length === 0,
    })),
  };
  result.ok = result.files.every(file => file.ok);

  if (json) {
    context.stdout(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    context.stdout(formatHuman(result));
  }
  if (context.env.GITHUB_ACTIONS === 'true') {
    // Workflow commands are read from either stream: stderr keeps --json's
    // stdout parseable.
    const write = json ? context.stderr : context.stdout;
    write(formatAnnotations({ context, result }));
  }
  return result.ok ? EXIT_CODES.ok : EXIT_CODES.problems;
}

/** What to do about a reference that nothing resolves, in each mode. */
function unresolvedHint(options: {
  against?: string;
  registry?: string;
}): string {
  if (options.against !== undefined) {
    return 'add the file that defines it to the paths (with --against, references resolve among the checked files only)';
  }
  if (options.registry !== undefined) {
    return `${options.registry} has no such version either; add the file that defines it to the paths, or register that version first`;
  }
  return 'add the file that defines it to the paths, or pass --registry <url> to read its registered version';
}

function parseRegistryUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      `--registry ${value}: not a URL; give the portal's base URL, e.g. https://backstage.example.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`--registry ${value}: must be an http(s) URL`);
  }
  return value;
}

/** The git repositories that hold the paths, by their top level. */
async function openRepositories(options: {
  context: CliContext;
  paths: string[];
  ref: string;
}): Promise<GitRepository[]> {
  const { context, paths, ref } = options;
  const repositories = new Map<string, GitRepository>();
  for (const given of paths) {
    const path = resolve(context.cwd, given);
    const stat = await fs.stat(path).catch(() => undefined);
    if (!stat) continue; // findEventTypeFiles says so
    const repository = await GitRepository.open({
      dir: stat.isDirectory() ? path : dirname(path),
      ref,
    });
    repositories.set(repository.root, repository);
  }
  return [...repositories.values()];
}

function repositoryOf(
  repositories: GitRepository[],
  path: string,
): GitRepository {
  // The innermost repository holding the file (a submodule's, say).
  const holders = repositories
    .filter(repository => isInside(repository.root, path))
    .sort((a, b) => b.root.length - a.root.length);
  return holders[0] ?? repositories[0];
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return (
    rel !== '' &&
    !rel.startsWith(`..${sep}`) &&
    rel !== '..' &&
    !isAbsolute(rel)
  );
}

function describeComparison(outcome: FileOutcome): string {
  const comparison = outcome.comparison;
  if (!comparison) return '';
  switch (comparison.status) {
    case 'new':
      return ` (new since ${comparison.against})`;
    case 'compatible':
      return comparison.mode
        ? ` (${comparison.mode} compatible with ${comparison.against})`
        : ` (compatible with the registry's latest version)`;
    case 'not-compared':
      return ` (not compared with ${comparison.against})`;
    default:
      return '';
  }
}

function formatHuman(result: CheckOutcome): string {
  const lines: string[] = [];
  const problem = (p: CheckProblem) => `    ${p.file}:${p.line}: ${p.message}`;
  for (const file of result.files) {
    lines.push(
      `${file.ok ? 'OK  ' : 'FAIL'} ${file.path}${describeComparison(file)}`,
    );
    lines.push(...file.problems.map(problem));
    lines.push(...file.warnings.map(w => `${problem(w)} (warning)`));
    if (file.comparison) {
      lines.push(...describeRegistryFindings(file.comparison));
    }
  }
  const failed = result.files.filter(file => !file.ok).length;
  lines.push(
    `${result.files.length} event type file${
      result.files.length === 1 ? '' : 's'
    } checked: ${failed === 0 ? 'all OK' : `${failed} with problems`}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Paths in annotations are relative to the checkout (GITHUB_WORKSPACE). */
function formatAnnotations(options: {
  context: CliContext;
  result: CheckOutcome;
}): string {
  const { context, result } = options;
  const base = context.env.GITHUB_WORKSPACE ?? context.cwd;
  const fileFor = (display: string) => {
    const path = resolve(context.cwd, display);
    return isInside(base, path)
      ? relative(base, path).split(sep).join('/')
      : display;
  };
  const lines: string[] = [];
  for (const file of result.files) {
    for (const [level, problems] of [
      ['error', file.problems],
      ['warning', file.warnings],
    ] as const) {
      for (const p of problems) {
        lines.push(
          formatAnnotation({
            level,
            file: fileFor(p.file),
            line: p.line,
            title: p.title,
            message: p.message,
          }),
        );
      }
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
