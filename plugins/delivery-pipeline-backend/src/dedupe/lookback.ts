import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PartitionStorage,
  readManifest,
} from '@data-collection/plugin-delivery-pipeline-node';
import { viewOf } from './bytes';
import { hashBytes, hashOut, hashUuid, mixKeyHash } from './hash';
import { DecodedKey, decodeKey } from './keys';
import { KEYS_FORMAT, readKeysFile, readSourcesFile } from './keysFiles';
import { KeyIndex } from './KeyIndex';
import { SOURCE_SEED } from './lineLayout';
import { NOT_NUMBERED } from './SourceNumbering';

/**
 * Lookback: loads the keys of earlier partitions from their key files
 * (keysFiles.ts) into the index first, as keys that were delivered before,
 * so that an event with one of them is dropped. Folders without a manifest
 * are skipped; `afterKeysFile` runs after each key file (the memory check).
 */
export async function loadLookback(options: {
  storage: PartitionStorage;
  folders: string[];
  eventType: string;
  index: KeyIndex;
  afterKeysFile: () => void;
  logger?: LoggerService;
}): Promise<void> {
  const { storage, folders, eventType, index, logger } = options;
  for (const folder of folders) {
    const manifest = await readManifest(storage, folder);
    if (!manifest) continue;
    if (manifest.keys?.format !== KEYS_FORMAT) {
      logger?.warn(
        `Deduplication of ${eventType} skips the delivered partition in ${folder}: its manifest lists no key files of format ${KEYS_FORMAT}`,
      );
      continue;
    }
    // Delivered empty: no keys to look back on.
    if (!manifest.keys.sources) continue;
    const sourcesPath = manifest.keys.sources.path;
    const sourcesContent = await storage.read(sourcesPath);
    const fileSources = readSourcesFile(sourcesContent, sourcesPath);
    // Their numbers -> ours, and the hash of each source, when first used.
    const ours = new Int32Array(fileSources.starts.length).fill(NOT_NUMBERED);
    const hashes = new Int32Array(2 * fileSources.starts.length);
    const sourceOf = (theirs: number): number => {
      if (theirs >= ours.length) {
        throw new Error(`Key file in ${folder} names source ${theirs}`);
      }
      if (ours[theirs] === NOT_NUMBERED) {
        const start = fileSources.starts[theirs];
        const end = fileSources.ends[theirs];
        hashBytes(
          viewOf(sourcesContent),
          sourcesContent,
          start,
          end,
          SOURCE_SEED,
        );
        hashes[2 * theirs] = hashOut[0];
        hashes[2 * theirs + 1] = hashOut[1];
        ours[theirs] = index.sources.intern(
          sourcesContent,
          viewOf(sourcesContent),
          start,
          end,
          hashOut[0],
        );
      }
      return ours[theirs];
    };
    for (const file of manifest.keys.files) {
      const content = await storage.read(file.path);
      loadKeysFile(index, {
        content,
        filePath: file.path,
        sourceOf,
        hashes,
        fileSources,
        sourcesContent,
      });
      options.afterKeysFile();
    }
  }
}

const decoded: DecodedKey = {
  sourceIndex: -1,
  sourceStart: -1,
  sourceEnd: -1,
  idIsUuid: false,
  idStart: 0,
  idEnd: 0,
};

function loadKeysFile(
  index: KeyIndex,
  file: {
    content: Buffer;
    filePath: string;
    sourceOf: (theirs: number) => number;
    hashes: Int32Array;
    fileSources: { starts: Int32Array; ends: Int32Array };
    sourcesContent: Buffer;
  },
): void {
  const { content, filePath, sourceOf, hashes, fileSources, sourcesContent } =
    file;
  const encoder = index.encoder;
  readKeysFile(
    content,
    filePath,
    (view, at) => {
      const theirs = view.getInt32(at, true);
      const source = sourceOf(theirs);
      const u0 = view.getInt32(at + 4, true);
      const u1 = view.getInt32(at + 8, true);
      const u2 = view.getInt32(at + 12, true);
      const u3 = view.getInt32(at + 16, true);
      hashUuid(u0, u1, u2, u3);
      mixKeyHash(
        hashes[2 * theirs],
        hashes[2 * theirs + 1],
        hashOut[0],
        hashOut[1],
      );
      encoder.h1 = hashOut[0];
      encoder.h2 = hashOut[1];
      encoder.encode(
        source,
        sourcesContent,
        fileSources.starts[theirs],
        fileSources.ends[theirs],
        true,
        u0,
        u1,
        u2,
        u3,
        content,
        0,
        0,
      );
      index.insertPrior(
        view.getInt32(at + 20, true),
        view.getInt32(at + 24, true),
      );
    },
    (bytes, start, _end, c1, c2) => {
      // Their source number -> ours, then hashed as any key.
      decodeKey(bytes, start, decoded);
      let sourceBytes: Uint8Array = bytes;
      let sourceStart = decoded.sourceStart;
      let sourceEnd = decoded.sourceEnd;
      if (decoded.sourceIndex >= 0) {
        sourceOf(decoded.sourceIndex);
        sourceBytes = sourcesContent;
        sourceStart = fileSources.starts[decoded.sourceIndex];
        sourceEnd = fileSources.ends[decoded.sourceIndex];
      }
      encoder.encodeParts(
        sourceBytes,
        sourceStart,
        sourceEnd,
        bytes,
        decoded.idStart,
        decoded.idEnd,
        decoded.idIsUuid,
      );
      index.insertPrior(c1, c2);
    },
  );
}
