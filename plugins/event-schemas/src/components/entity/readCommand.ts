const HOUR_MS = 3_600_000;

/** Quotes a path for a POSIX shell where it needs it. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text)
    ? text
    : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The folder of one delivered partition below the dataset's location, as
 * the pipeline lays it out: `<yyyy-mm-dd>/<hh>`, with `<mm>-<ss>` below the
 * hour when partitions are narrower than one.
 */
function partitionFolder(partition: { start: string; end: string }): string {
  const start = new Date(partition.start);
  const iso = start.toISOString();
  const folder = `${iso.slice(0, 10)}/${iso.slice(11, 13)}`;
  const widthMs = new Date(partition.end).getTime() - start.getTime();
  return widthMs < HOUR_MS
    ? `${folder}/${iso.slice(14, 16)}-${iso.slice(17, 19)}`
    : folder;
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
  const hour = partition ? partitionFolder(partition) : '<yyyy-mm-dd>/<hh>';
  // gzip -dc rather than zcat, which on macOS wants `.Z` files.
  return `gzip -dc ${folder}/${hour}/part-*.ndjson.gz | head`;
}
