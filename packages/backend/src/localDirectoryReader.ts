/*
 * Reads local directories through Backstage's URL reader, for the demo: the
 * registry syncs examples/event-types/ from a file: location. Backstage's
 * URL reader reads no file: URLs; this one reads only the directories
 * listed in eventSchemas.sync.localDirectories, bounded in files and bytes.
 */

import {
  createServiceFactory,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  urlReaderFactoriesServiceRef,
} from '@backstage/backend-defaults/urlReader';
import {
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Bounds on one read, whatever the directory holds. */
export const LOCAL_READ_LIMITS = {
  maxFiles: 1000,
  maxBytes: 20 * 1024 * 1024,
  maxDepth: 10,
} as const;

type FoundFile = {
  path: string;
  absolute: string;
  size: number;
  mtimeMs: number;
};

export class LocalDirectoryUrlReader implements UrlReaderService {
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const directories = (
      config.getOptionalStringArray('eventSchemas.sync.localDirectories') ?? []
    ).map(directory => resolve(directory));
    if (directories.length === 0) return [];
    const reader = new LocalDirectoryUrlReader(
      directories,
      treeResponseFactory,
    );
    return [{ reader, predicate: url => reader.allows(url) }];
  };

  constructor(
    private readonly directories: string[],
    private readonly treeResponseFactory: ReadTreeResponseFactory,
  ) {}

  /** Whether the URL names a path inside one of the directories. */
  allows(url: URL): boolean {
    if (url.protocol !== 'file:') return false;
    const path = resolve(fileURLToPath(url));
    return this.directories.some(directory => isInside(directory, path));
  }

  async read(url: string): Promise<Buffer> {
    const response = await this.readUrl(url);
    return response.buffer();
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const path = await this.realPath(url);
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw new NotFoundError(`${url} is not a file`);
    if (stat.size > LOCAL_READ_LIMITS.maxBytes) {
      throw new NotAllowedError(
        `${url} is larger than ${LOCAL_READ_LIMITS.maxBytes} bytes`,
      );
    }
    const etag = `${stat.size}-${stat.mtimeMs}`;
    if (options?.etag === etag) throw new NotModifiedError();
    const content = await fs.readFile(path);
    return {
      buffer: async () => content,
      stream: () => Readable.from(content),
      etag,
      lastModifiedAt: stat.mtime,
    };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const root = await this.realPath(url);
    const files = await this.list(root, options?.filter);
    // Names, sizes and modification times: a changed file changes the etag
    // without reading any content.
    const etag = createHash('sha256')
      .update(JSON.stringify(files.map(f => [f.path, f.size, f.mtimeMs])))
      .digest('hex');
    if (options?.etag === etag) throw new NotModifiedError();
    const response = await this.treeResponseFactory.fromReadableArray(
      files.map(file => ({
        path: file.path,
        // Read when the response's files are read, not before.
        data: Readable.from(
          (async function* content() {
            yield await fs.readFile(file.absolute);
          })(),
        ),
        lastModifiedAt: new Date(file.mtimeMs),
      })),
    );
    response.etag = etag;
    return response;
  }

  async search(url: string): Promise<UrlReaderServiceSearchResponse> {
    throw new NotAllowedError(
      `${url}: the local directory reader reads files and trees, it does not search`,
    );
  }

  toString() {
    return `local-directory{directories=${this.directories.join(',')}}`;
  }

  private async realPath(url: string): Promise<string> {
    const parsed = new URL(url);
    if (!this.allows(parsed)) {
      throw new NotAllowedError(
        `${url} is not in eventSchemas.sync.localDirectories`,
      );
    }
    let path: string;
    try {
      path = await fs.realpath(fileURLToPath(parsed));
    } catch {
      throw new NotFoundError(`${url} does not exist`);
    }
    // Again after resolving links: a link must not lead outside.
    const realDirectories = await Promise.all(
      this.directories.map(d => fs.realpath(d).catch(() => d)),
    );
    if (!realDirectories.some(directory => isInside(directory, path))) {
      throw new NotAllowedError(
        `${url} leads outside eventSchemas.sync.localDirectories`,
      );
    }
    return path;
  }

  /** The files under root, links skipped, within LOCAL_READ_LIMITS. */
  private async list(
    root: string,
    filter?: (path: string, info?: { size: number }) => boolean,
  ): Promise<FoundFile[]> {
    const found: FoundFile[] = [];
    let bytes = 0;
    const walk = async (directory: string, depth: number) => {
      if (depth > LOCAL_READ_LIMITS.maxDepth) return;
      const entries = await fs.readdir(directory, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const absolute = resolve(directory, entry.name);
        if (entry.isDirectory()) {
          await walk(absolute, depth + 1);
        } else if (entry.isFile()) {
          const path = relative(root, absolute).split(sep).join('/');
          const stat = await fs.stat(absolute);
          if (filter && !filter(path, { size: stat.size })) continue;
          bytes += stat.size;
          if (
            found.length >= LOCAL_READ_LIMITS.maxFiles ||
            bytes > LOCAL_READ_LIMITS.maxBytes
          ) {
            throw new NotAllowedError(
              `${root} holds more than ${LOCAL_READ_LIMITS.maxFiles} files or ${LOCAL_READ_LIMITS.maxBytes} bytes`,
            );
          }
          found.push({
            path,
            absolute,
            size: stat.size,
            mtimeMs: stat.mtimeMs,
          });
        }
      }
    };
    await walk(root, 0);
    return found;
  }
}

function isInside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return (
    rel === '' ||
    (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-z]:/i.test(rel))
  );
}

/** Adds the local directory reader to the backend's URL reader. */
export const localDirectoryUrlReaderFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalDirectoryUrlReader.factory;
  },
});
