/**
 * What a command reads from and writes to, so that tests run the CLI in
 * process with captured output.
 */
export type CliContext = {
  /** Where relative paths are resolved from. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Writes text as given; callers end their lines. */
  stdout(text: string): void;
  stderr(text: string): void;
  fetch: typeof fetch;
};

/** The exit codes, as the README documents them. */
export const EXIT_CODES = {
  /** Everything checked is valid and compatible. */
  ok: 0,
  /** A file has problems, or a schema is not compatible. */
  problems: 1,
  /** The check could not run: bad usage, an unreadable file, an invalid schema given to compat, git or the registry failing. */
  error: 2,
} as const;

/**
 * A failure that stops a command before it has an answer: printed as is,
 * exit code 2.
 */
export class CliError extends Error {
  readonly name = 'CliError';
}

/** A message from an unknown thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
