// The back half of the pipeline as the reliability tests see it: the
// delivered partitions in storage, the partitions' states (API or database)
// and waiting for delivery.
//
//   const { folders, lines } = await readDeliveredEvents(storageDirectory, {
//     eventType, onEvent: (event, { folder, file, line }) => ...,
//   });
//   await waitForDelivered({ backends, eventType, folders: rawFolders });
//   const watcher = watchPartitions({ read, storageDirectory, eventType });
import { readFile } from 'node:fs/promises';
import { listPartitionFiles, readNdjsonGz } from './pipelineBackend.mjs';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// The folder of a partition below `<kind>/<event type>/` and its inverse,
// from the pipeline's one definition of the layout (plain Node strips the
// file's types): `<yyyy-mm-dd>/<hh>`, plus `/<mm>-<ss>` when partitions are
// narrower than an hour.
import {
  partitionTimeFolder as partitionFolderOf,
  partitionStartOfTimeFolder as partitionStartOfFolder,
} from '../../plugins/delivery-pipeline-common/src/partitionTime.ts';

export { partitionFolderOf, partitionStartOfFolder };

/**
 * The delivered partitions of a type in storage, by folder:
 * `{ manifest, manifestText, parts, sidecars, others }`, where `parts` are
 * the `*.ndjson.gz` files a reader takes (names not starting with `_`),
 * `sidecars` the other `_` files (the manifest excluded) and `others`
 * anything else (a leftover temporary file, say). With `onEvent`, every
 * event of every part is passed to `onEvent(event, { folder, file, line })`.
 * `lines` counts them.
 */
export async function readDeliveredEvents(
  storageDirectory,
  { eventType, onEvent } = {},
) {
  const files = await listPartitionFiles(storageDirectory, {
    kind: 'delivered',
    eventType,
  });
  const folders = new Map();
  const folderOf = name => {
    let folder = folders.get(name);
    if (!folder) {
      folder = { parts: [], sidecars: [], others: [], lines: 0 };
      folders.set(name, folder);
    }
    return folder;
  };
  let lines = 0;
  for (const file of files) {
    const folder = folderOf(file.folder);
    if (file.name === '_manifest.json') {
      folder.manifestText = await readFile(file.path, 'utf8').catch(
        () => undefined,
      );
      try {
        folder.manifest = JSON.parse(folder.manifestText);
      } catch (error) {
        folder.manifestError = `${error}`;
      }
    } else if (file.name.startsWith('_')) {
      folder.sidecars.push(file.name);
    } else if (file.name.endsWith('.ndjson.gz')) {
      folder.parts.push(file.name);
      await readNdjsonGz(
        file.path,
        (event, where) => {
          folder.lines += 1;
          lines += 1;
          onEvent?.(event, where);
        },
        { folder: file.folder },
      );
    } else {
      folder.others.push(file.name);
    }
  }
  return { folders, lines };
}

/**
 * The ids of the delivered events of a type (one entry per line: an id
 * delivered twice is listed twice), and how many part files they came from.
 */
export async function readDeliveredEventIds(
  storageDirectory,
  { eventType } = {},
) {
  const ids = [];
  const { folders } = await readDeliveredEvents(storageDirectory, {
    eventType,
    onEvent: event => ids.push(event.id),
  });
  const files = [...folders.values()].reduce(
    (sum, folder) => sum + folder.parts.length,
    0,
  );
  return { files, ids };
}

/** The text of every delivered partition's `_manifest.json`, by folder. */
export async function readManifestTexts(storageDirectory, { eventType }) {
  const texts = new Map();
  const files = await listPartitionFiles(storageDirectory, {
    kind: 'delivered',
    eventType,
  });
  for (const file of files) {
    if (file.name !== '_manifest.json') continue;
    try {
      texts.set(file.folder, await readFile(file.path, 'utf8'));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }
  return texts;
}

/** One line per partition, for failure messages. */
export function describePartitions(items, extra = () => '') {
  if (items.length === 0) return '  (no partitions)';
  return items
    .map(
      p =>
        `  ${p.start} ${p.state}${p.closedAt ? ` closedAt=${p.closedAt}` : ''}${
          p.deliveredAt ? ` deliveredAt=${p.deliveredAt}` : ''
        } counts=${JSON.stringify(p.counts)}${extra(p)}`,
    )
    .join('\n');
}

/**
 * The partitions of a type from the first backend that answers; undefined
 * when none does (all restarting).
 */
export async function listPartitionsFromAny(backends, query) {
  for (const backend of backends) {
    if (!backend.running) continue;
    try {
      return await backend.partitions(query);
    } catch {
      // Killed or starting: try the next one.
    }
  }
  return undefined;
}

/**
 * Polls `GET /partitions` until every partition of the type that received
 * events is `delivered` and there is one for every folder in `folders` (the raw partitions'
 * folders, so that a partition the consumer is still recording is waited
 * for). Resolves to the partitions; rejects after `timeoutMs` with their
 * states.
 */
export async function waitForDelivered({
  backends,
  eventType,
  folders = [],
  widthMs,
  timeoutMs = 60_000,
  /** Resolves to more to say when it times out (the scheduler's locks). */
  diagnose,
}) {
  const deadline = Date.now() + timeoutMs;
  let items;
  let missingFolders = [...folders];
  for (;;) {
    items = (await listPartitionsFromAny(backends, { eventType })) ?? items;
    if (items) {
      const known = new Set(
        items.map(p => partitionFolderOf(p.start, widthMs)),
      );
      missingFolders = folders.filter(folder => !known.has(folder));
      // Every window of a registered type gets a partition, events or not;
      // one that received nothing has nothing to lose, and the next quiet
      // window is always on its way: not waited for.
      const delivered = items.filter(p => p.state === 'delivered');
      if (
        missingFolders.length === 0 &&
        delivered.length > 0 &&
        items.every(p => p.state === 'delivered' || p.counts.received === 0)
      ) {
        return delivered;
      }
    }
    if (Date.now() > deadline) break;
    await sleep(500);
  }
  let diagnosis = '';
  try {
    diagnosis = (await diagnose?.()) ?? '';
  } catch (error) {
    diagnosis = `(diagnosis failed: ${error})`;
  }
  const byState = {};
  for (const p of items ?? []) byState[p.state] = (byState[p.state] ?? 0) + 1;
  throw new Error(
    `Not every partition of ${eventType} was delivered within ${
      timeoutMs / 1000
    } s after the load stopped (now ${new Date().toISOString()}): ${JSON.stringify(
      byState,
    )}` +
      (missingFolders.length
        ? `; no partition at all for the raw folders ${missingFolders.join(
            ', ',
          )}`
        : '') +
      `\nPartitions:\n${describePartitions(items ?? [])}\n` +
      (diagnosis ? `${diagnosis}\n` : '') +
      backends
        .map(
          (backend, index) =>
            `Backend ${index} (${
              backend.running ? 'running' : 'not running'
            }) log (tail):\n${backend.logTail(3000)}`,
        )
        .join('\n'),
  );
}

/** `{ eventType, start }` -> the key of a partition in the maps below. */
export const partitionKey = p =>
  `${p.eventType}|${new Date(p.start).toISOString()}`;

const STATE_ORDER = { open: 0, closed: 1, delivered: 2, expired: 3 };

/**
 * Watches the partitions while the test runs: `read()` returns rows
 * `{ eventType, start, state, closedAt?, deliveryAttempts? }` (from the API
 * or the database; undefined when it cannot now), polled every
 * `intervalMs`; with `storageDirectory`, the delivered manifests are read
 * too. It records what must never happen:
 * - `closedAtChanges`: a partition's closed_at changed (or was cleared) once
 *   set: the completionist closed it twice;
 * - `stateRegressions`: a state went back (delivered -> closed, say);
 * - `manifestChanges`: a `_manifest.json` was written again with other
 *   content.
 * `atKill(label, read)` reads the rows right after a process was SIGKILLed
 * and remembers the partitions it may have been delivering (closed, the
 * deduper started on them, not delivered): `inDeliveryAtKills`, key ->
 * `{ labels, attempts }` with the highest delivery_attempts such a kill
 * found.
 */
export function watchPartitions({
  read,
  intervalMs = 250,
  storageDirectory,
  eventType,
}) {
  const partitions = new Map(); // key -> { firstClosedAt, state, maxAttempts }
  const closedAtChanges = [];
  const stateRegressions = [];
  const manifests = new Map(); // folder -> { text, at, state }
  const manifestChanges = [];
  const inDeliveryAtKills = new Map(); // key -> { labels, attempts }
  const kills = [];
  const readErrors = [];
  let polls = 0;
  let stopped = false;

  const observe = (rows, source) => {
    const at = new Date().toISOString();
    for (const row of rows) {
      const key = partitionKey(row);
      const closedAt = row.closedAt
        ? new Date(row.closedAt).toISOString()
        : undefined;
      let seen = partitions.get(key);
      if (!seen) {
        seen = { start: row.start, state: row.state, maxAttempts: 0 };
        partitions.set(key, seen);
      }
      if (seen.firstClosedAt && closedAt !== seen.firstClosedAt) {
        closedAtChanges.push({
          partition: row.start,
          first: seen.firstClosedAt,
          now: closedAt ?? null,
          state: row.state,
          at,
          source,
        });
      }
      if (closedAt && !seen.firstClosedAt) seen.firstClosedAt = closedAt;
      if (STATE_ORDER[row.state] < STATE_ORDER[seen.state]) {
        stateRegressions.push({
          partition: row.start,
          from: seen.state,
          to: row.state,
          at,
          source,
        });
      }
      seen.state = row.state;
      if (row.deliveryAttempts !== undefined) {
        seen.maxAttempts = Math.max(seen.maxAttempts, row.deliveryAttempts);
      }
    }
  };

  const observeManifests = async () => {
    const texts = await readManifestTexts(storageDirectory, { eventType });
    const at = new Date().toISOString();
    for (const [folder, text] of texts) {
      const seen = manifests.get(folder);
      if (!seen) {
        manifests.set(folder, { text, at });
      } else if (seen.text !== text) {
        manifestChanges.push({ folder, before: seen.text, after: text, at });
        seen.text = text;
      }
    }
  };

  const poll = async () => {
    polls += 1;
    try {
      const rows = await read();
      if (rows) observe(rows, 'poll');
    } catch (error) {
      readErrors.push(`${error}`);
    }
    if (storageDirectory) {
      try {
        await observeManifests();
      } catch (error) {
        readErrors.push(`${error}`);
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await poll();
      await sleep(intervalMs);
    }
  })();

  return {
    partitions,
    closedAtChanges,
    stateRegressions,
    manifestChanges,
    inDeliveryAtKills,
    kills,
    readErrors,
    get polls() {
      return polls;
    },
    /** Reads now (with `readNow`, else `read`) and records what it sees. */
    async pollNow(readNow = read) {
      const rows = await readNow();
      if (rows) observe(rows, 'now');
      if (storageDirectory) await observeManifests();
      return rows;
    },
    /**
     * Call right after a SIGKILL (the process is gone, so nothing it does
     * changes the rows any more).
     */
    async atKill(label, readNow = read) {
      const rows = (await readNow()) ?? [];
      observe(rows, `kill ${label}`);
      const inDelivery = rows.filter(
        row => row.state === 'closed' && (row.deliveryAttempts ?? 0) >= 1,
      );
      for (const row of inDelivery) {
        const key = partitionKey(row);
        const seen = inDeliveryAtKills.get(key) ?? { labels: [], attempts: 0 };
        inDeliveryAtKills.set(key, {
          labels: [...seen.labels, label],
          attempts: Math.max(seen.attempts, row.deliveryAttempts),
        });
      }
      kills.push({
        label,
        at: new Date().toISOString(),
        inDelivery: inDelivery.map(row => row.start),
      });
      return rows;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
