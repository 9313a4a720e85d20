import { EVENT_TYPE_FILE_LIMITS } from '@data-collection/plugin-event-schemas-common';
import { execFile } from 'node:child_process';
import { CliError } from '../context';

type GitResult = { code: number; stdout: string; stderr: string };

function git(options: { cwd: string; args: string[] }): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      options.args,
      {
        cwd: options.cwd,
        encoding: 'utf8',
        // A file over the reader's limit is refused anyway; room for it to say so.
        maxBuffer: EVENT_TYPE_FILE_LIMITS.maxBytes * 2,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(
            new CliError(
              error.code === 'ENOENT'
                ? '--against needs git, which is not on the PATH'
                : `git ${options.args[0]} failed: ${error.message}`,
            ),
          );
          return;
        }
        resolvePromise({
          code: error ? (error.code as number) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

/**
 * The git repository that holds a directory, and its files at one ref.
 * Paths are `/`-separated and relative to the repository's top level.
 */
export class GitRepository {
  private constructor(readonly root: string, private readonly ref: string) {}

  /**
   * The repository holding `dir` (not the working directory's), with `ref`
   * resolved to a commit; a CliError when there is none or the ref is
   * unknown there.
   */
  static async open(options: {
    dir: string;
    ref: string;
  }): Promise<GitRepository> {
    const { dir, ref } = options;
    const toplevel = await git({
      cwd: dir,
      args: ['rev-parse', '--show-toplevel'],
    });
    if (toplevel.code !== 0) {
      throw new CliError(
        `--against ${ref}: ${dir} is not inside a git repository`,
      );
    }
    const root = toplevel.stdout.trim();
    const commit = await git({
      cwd: root,
      args: ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
    });
    if (commit.code !== 0) {
      throw new CliError(
        `--against ${ref}: no such commit, branch or tag in ${root} (in CI, check out with fetch-depth: 0 so that the base branch is there)`,
      );
    }
    return new GitRepository(root, commit.stdout.trim());
  }

  /** A file's text at the ref; `undefined` when the ref has no such file. */
  async readAtRef(path: string): Promise<string | undefined> {
    const result = await git({
      cwd: this.root,
      args: ['cat-file', '-e', `${this.ref}:${path}`],
    });
    if (result.code !== 0) return undefined;
    const shown = await git({
      cwd: this.root,
      args: ['show', `${this.ref}:${path}`],
    });
    if (shown.code !== 0) {
      throw new Error(shown.stderr.trim() || `git show failed for ${path}`);
    }
    return shown.stdout;
  }
}
