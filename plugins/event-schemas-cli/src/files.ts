import { promises as fs } from 'node:fs';
import { CliError, errorMessage } from './context';

/**
 * Reads a file the user named, as text; a missing or unreadable file stops
 * the command (exit 2) with the path and the reason.
 */
export async function readUserFile(options: {
  path: string;
  display: string;
}): Promise<string> {
  try {
    return await fs.readFile(options.path, 'utf8');
  } catch (error) {
    throw new CliError(
      `${options.display}: cannot be read: ${describeFsError(error)}`,
    );
  }
}

/** `no such file or directory` rather than Node's `ENOENT: ..., open '/x'`. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return errorMessage(error);
  }
}
