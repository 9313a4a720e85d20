import { partitionTimeFolder } from '@data-collection/plugin-delivery-pipeline-common';

/** Quotes a path for a POSIX shell where it needs it. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text)
    ? text
    : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A shell one-liner that prints the first events of a delivered partition,
 * for a dataset on the local filesystem; undefined for other locations.
 * Without a partition it has placeholders for the hour.
 */
export function readCommand(
  location: string,
  partition?: { start: string; end: string },
): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'file:') return undefined;
  const folder = shellQuote(
    decodeURIComponent(url.pathname).replace(/\/+$/, ''),
  );
  // The folder below the dataset's location, as the pipeline lays it out.
  const hour = partition
    ? partitionTimeFolder(
        Date.parse(partition.start),
        Date.parse(partition.end) - Date.parse(partition.start),
      )
    : '<yyyy-mm-dd>/<hh>';
  // gzip -dc rather than zcat, which on macOS wants `.Z` files.
  return `gzip -dc ${folder}/${hour}/part-*.ndjson.gz | head`;
}
