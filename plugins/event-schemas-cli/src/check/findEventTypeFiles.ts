import { isEventTypeFilePath } from '@data-collection/plugin-event-schemas-common';
import { promises as fs } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CliContext, CliError } from '../context';
import { describeFsError } from '../files';

/** Directories that hold no one's event types. */
function skipDirectory(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * The event type files (`.yaml`, `.yml`, `.json`) under the paths the user
 * named, absolute and sorted. A named file is taken as is; directories are
 * walked (hidden ones and node_modules skipped, symbolic links not
 * followed). A path that does not exist stops the check.
 */
export async function findEventTypeFiles(options: {
  context: CliContext;
  paths: string[];
}): Promise<string[]> {
  const { context, paths } = options;
  const found = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipDirectory(entry.name)) await walk(path);
      } else if (entry.isFile() && isEventTypeFilePath(entry.name)) {
        found.add(path);
      }
    }
  };
  for (const given of paths) {
    const path = resolve(context.cwd, given);
    let stat;
    try {
      stat = await fs.stat(path);
    } catch (error) {
      throw new CliError(`${given}: ${describeFsError(error)}`);
    }
    if (stat.isDirectory()) {
      try {
        await walk(path);
      } catch (error) {
        throw new CliError(
          `${given}: cannot be listed: ${describeFsError(error)}`,
        );
      }
    } else if (isEventTypeFilePath(path)) {
      found.add(path);
    } else {
      throw new CliError(
        `${given}: not an event type file (.yaml, .yml or .json); name its event type file, which points at it with schemaFile`,
      );
    }
  }
  if (found.size === 0) {
    throw new CliError(
      `no event type files (.yaml, .yml, .json) under ${paths
        .map(path => relative(context.cwd, resolve(context.cwd, path)) || '.')
        .join(', ')}`,
    );
  }
  return [...found].sort();
}
