// Looks for strings in every file under a folder, as bytes: gzip files
// (partition files) are opened first, everything else (SQLite databases and
// their journals, the transport's files, manifests) is read as it is.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Every file under `folder` and which of `needles` each holds.
 * Resolves to `{ files, bytes, found }`: how many files and bytes were
 * read, and per needle the files that hold it.
 */
export async function scanFiles(folder, needles) {
  const found = new Map(needles.map(needle => [needle, []]));
  let files = 0;
  let bytes = 0;
  const walk = async dir => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      let content;
      try {
        content = await readFile(path);
      } catch (error) {
        // A journal the running backend removed after listing: what it
        // held is in its database file by now.
        if (error.code === 'ENOENT') continue;
        throw error;
      }
      if (entry.name.endsWith('.gz')) content = gunzipSync(content);
      files += 1;
      bytes += content.length;
      for (const needle of needles) {
        if (content.includes(needle)) found.get(needle).push(path);
      }
    }
  };
  await walk(folder);
  return { files, bytes, found };
}
