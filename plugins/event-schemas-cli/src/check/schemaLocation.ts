import { promises as fs } from 'node:fs';
import { relative } from 'node:path';
import { CliContext } from '../context';
import { LoadedFile } from './loadEventTypeFiles';

/**
 * Where a file's schema is written, for finding a schema path's line: the
 * inline schema under `/schema` of the file, or the whole schema file.
 */
export type SchemaLocation = {
  /** The file that holds the schema, relative to the working directory. */
  display: string;
  text: string;
  /** The pointer of the schema in that text. */
  prefix: string;
};

export async function schemaLocation(options: {
  context: CliContext;
  file: LoadedFile;
}): Promise<SchemaLocation> {
  const { context, file } = options;
  if (!file.schemaFile) {
    return { display: file.display, text: file.text, prefix: '/schema' };
  }
  return {
    display: relative(context.cwd, file.schemaFile),
    text: await fs.readFile(file.schemaFile, 'utf8').catch(() => ''),
    prefix: '',
  };
}
