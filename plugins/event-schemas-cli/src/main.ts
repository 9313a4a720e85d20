import {
  COMPATIBILITY_MODES,
  CompatibilityMode,
  EVENT_TYPE_FORMATS,
  EventTypeFormat,
} from '@data-collection/plugin-event-schemas-common';
import { Command, CommanderError, Option } from 'commander';
import { runCheck } from './check/runCheck';
import { runCompat } from './commands/compat';
import { CliContext, CliError, errorMessage, EXIT_CODES } from './context';

// The package's version, for --version; read at run time so that the
// sources and the build report the same.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { version } = require('../package.json') as { version: string };

function createProgram(options: {
  context: CliContext;
  setExitCode: (code: number) => void;
}): Command {
  const { context, setExitCode } = options;
  const program = new Command('event-schemas')
    .description(
      'Checks event type files and schema changes with the event-schemas registry’s rules, with no registry needed.',
    )
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: text => context.stdout(text),
      writeErr: text => context.stderr(text),
    })
    .showSuggestionAfterError();

  program
    .command('compat')
    .description(
      'Checks a candidate schema against older ones with the registry’s compatibility engine (exit 0 compatible, 1 not, 2 bad usage or an invalid schema).',
    )
    .argument(
      '<schemas...>',
      'schema files: the older versions, oldest first, then the candidate',
    )
    .addOption(
      new Option('--format <format>', 'the schema language')
        .choices([...EVENT_TYPE_FORMATS])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'the compatibility mode; non-transitive modes check the last older schema, transitive ones all',
      )
        .choices([...COMPATIBILITY_MODES])
        .default('BACKWARD'),
    )
    .option('--json', 'print the result as JSON')
    .action(async (schemas: string[], opts) => {
      setExitCode(
        await runCompat({
          context,
          files: schemas,
          format: opts.format as EventTypeFormat,
          mode: opts.mode as CompatibilityMode,
          json: Boolean(opts.json),
        }),
      );
    });

  program
    .command('check')
    .description(
      'Validates the event type files under the paths as registration would and, with --against or --registry, checks that each schema change is compatible (exit 0 all OK, 1 problems, 2 the check could not run).',
    )
    .argument(
      '<paths...>',
      'event type files (.yaml, .yml, .json) or directories to search',
    )
    .option(
      '--against <git-ref>',
      'compare each file with the same file at this git ref (e.g. origin/main), under the file’s own compatibility mode',
    )
    .option(
      '--registry <url>',
      'compare each file with its type in the live registry at this base URL, with the token in EVENT_SCHEMAS_TOKEN',
    )
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], opts) => {
      setExitCode(
        await runCheck({
          context,
          paths,
          against: opts.against,
          registry: opts.registry,
          json: Boolean(opts.json),
        }),
      );
    });

  return program;
}

/**
 * Runs the CLI on `argv` (the arguments after the binary's name) and
 * returns the exit code, writing through `context`.
 */
export async function main(options: {
  argv: string[];
  context: CliContext;
}): Promise<number> {
  const { argv, context } = options;
  let exitCode: number = EXIT_CODES.ok;
  const program = createProgram({
    context,
    setExitCode: code => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, successfully; every usage error
      // is exit 2, as the README documents (commander's own is 1).
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
    }
    const message =
      error instanceof CliError
        ? error.message
        : `unexpected error: ${errorMessage(error)}`;
    if (argv.includes('--json')) {
      context.stdout(`${JSON.stringify({ ok: false, error: message })}\n`);
    }
    context.stderr(`event-schemas: ${message}\n`);
    return EXIT_CODES.error;
  }
}
