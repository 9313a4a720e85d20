import { InputError, NotFoundError } from '@backstage/errors';
import {
  checkPartitionPath,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Partitions as files under one folder: the embedded default, and a shared
 * filesystem's for several replicas. A write goes to a temporary file that is
 * synced and then renamed, and the folder is synced after the rename, so a
 * crash leaves the whole file or none.
 */
export class LocalPartitionStorage implements PartitionStorage {
  readonly #root: string;

  constructor(options: { directory: string }) {
    this.#root = path.resolve(options.directory);
  }

  async write(objectPath: string, content: Buffer): Promise<void> {
    const target = this.#resolve(objectPath);
    const folder = path.dirname(target);
    const firstCreated = await fs.mkdir(folder, { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    const file = await fs.open(temporary, 'wx');
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temporary, target);
    await syncFolder(folder);
    // New folders are entries in their parents, which must be synced too.
    if (firstCreated) {
      for (let dir = folder; dir !== path.dirname(firstCreated); ) {
        dir = path.dirname(dir);
        await syncFolder(dir);
      }
    }
  }

  async read(objectPath: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.#resolve(objectPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`No object at ${objectPath}`);
      }
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const start = this.#resolve(prefix, { folder: true });
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(full);
        } else if (!entry.name.endsWith('.tmp')) {
          found.push(path.relative(this.#root, full).split(path.sep).join('/'));
        }
      }
    };
    await walk(start);
    return found.sort();
  }

  async delete(objectPath: string): Promise<void> {
    await fs.rm(this.#resolve(objectPath), { force: true });
  }

  url(objectPath: string): string {
    return pathToFileURL(this.#resolve(objectPath)).href;
  }

  /**
   * The file of an object path; refuses paths with `.` or `..` segments and
   * any that would leave the root.
   */
  #resolve(objectPath: string, options: { folder?: boolean } = {}): string {
    const checked = checkPartitionPath(objectPath, options);
    const resolved = path.resolve(this.#root, checked);
    if (
      path.isAbsolute(checked) ||
      (resolved !== this.#root && !resolved.startsWith(this.#root + path.sep))
    ) {
      throw new InputError(`Invalid object path '${objectPath}'`);
    }
    return resolved;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
