import { UrlReaderServiceReadTreeOptions } from '@backstage/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import { createHash } from 'node:crypto';

/** A URL reader of in-memory trees, with etags as a real SCM has them. */
export class FakeUrlReader {
  readonly trees = new Map<string, Record<string, string>>();
  reads = 0;

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions) {
    const tree = this.trees.get(url);
    if (!tree) throw new NotFoundError(`no tree at ${url}`);
    const etag = createHash('sha256')
      .update(JSON.stringify(tree))
      .digest('hex');
    if (options?.etag === etag) throw new NotModifiedError();
    this.reads += 1;
    const files = Object.entries(tree).filter(
      ([path, text]) =>
        !options?.filter || options.filter(path, { size: text.length }),
    );
    return {
      etag,
      files: async () =>
        files.map(([path, text]) => ({
          path,
          content: async () => Buffer.from(text),
        })),
      archive: async () => {
        throw new Error('not used');
      },
      dir: async () => {
        throw new Error('not used');
      },
    };
  }

  async read(): Promise<Buffer> {
    throw new Error('not used');
  }
  async readUrl(): Promise<never> {
    throw new Error('not used');
  }
  async search(): Promise<never> {
    throw new Error('not used');
  }
}
