import {
  DeliveredFile,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { ownedBytes } from './bytes';
import { Chunk, KeepOptions, KeptLines } from './fileTasks';
import { FileWorkers } from './fileWorkers';
import { GzipParts } from './GzipParts';

/**
 * Writes the delivered files of a partition: what each raw file keeps is
 * queued in raw order and handed on to the `part-NNNNN.ndjson.gz` files
 * (GzipParts.ts) in that order; the kept lines of small files are gathered
 * and compressed together, as one chunk.
 */
export class DeliveredFiles {
  readonly #workers: FileWorkers;
  readonly #keepOptions: KeepOptions;
  readonly #gatherBytes: number;
  readonly #parts: GzipParts;
  readonly #outputs: Array<{ kept: Promise<KeptLines>; events: number }> = [];
  #gathered: Uint8Array[] = [];
  #gatheredBytes = 0;
  #gatheredEvents = 0;

  constructor(options: {
    storage: PartitionStorage;
    folder: string;
    workers: FileWorkers;
    keepOptions: KeepOptions;
    /** Lines of small files are gathered up to this many bytes. */
    gatherBytes: number;
    /** Uncompressed bytes per delivered file. */
    fileBytes: number;
  }) {
    this.#workers = options.workers;
    this.#keepOptions = options.keepOptions;
    this.#gatherBytes = options.gatherBytes;
    this.#parts = new GzipParts({
      storage: options.storage,
      folder: options.folder,
      fileBytes: options.fileBytes,
      sha256: async bytes => {
        const owned = ownedBytes(bytes);
        const result = await this.#workers.run<{
          bytes: Uint8Array;
          sha256: string;
        }>({ type: 'sha256', bytes: owned }, [owned.buffer as ArrayBuffer]);
        return {
          bytes: Buffer.from(
            result.bytes.buffer,
            result.bytes.byteOffset,
            result.bytes.byteLength,
          ),
          sha256: result.sha256,
        };
      },
    });
  }

  /**
   * Queues what a file keeps (`events` events); {@link DeliveredFiles.drain}
   * hands it on in order.
   */
  add(kept: Promise<KeptLines>, events: number): void {
    kept.catch(() => {}); // Awaited by drain; not unhandled meanwhile.
    this.#outputs.push({ kept, events });
  }

  /** Hands queued outputs on, in order, until at most `keep` are left. */
  async drain(keep: number): Promise<void> {
    while (this.#outputs.length > keep) {
      const { kept: pending, events } = this.#outputs[0];
      const kept = await pending;
      this.#outputs.shift();
      if (kept.kind === 'lines') {
        this.#gathered.push(kept.lines);
        this.#gatheredBytes += kept.lines.length;
        this.#gatheredEvents += events;
        if (this.#gatheredBytes >= this.#gatherBytes) this.#flushGathered();
      } else {
        this.#flushGathered();
        this.#parts.add(kept.chunk.bytes, events, kept.chunk);
      }
      await this.#parts.ready();
    }
  }

  /** Hands on everything queued and writes the last file; returns them all. */
  async finish(): Promise<DeliveredFile[]> {
    await this.drain(0);
    this.#flushGathered();
    return this.#parts.finish();
  }

  /** Waits for the work and writes under way (after a failure). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#outputs.map(output => output.kept));
  }

  /** Waits for the writes of files under way (after a failure). */
  async settleWrites(): Promise<void> {
    await this.#parts.settle();
  }

  /** Compresses the lines of small files gathered so far, as one chunk. */
  #flushGathered(): void {
    if (this.#gatheredBytes === 0) return;
    const text = ownedBytes(
      this.#gathered.length === 1
        ? this.#gathered[0]
        : Buffer.concat(this.#gathered, this.#gatheredBytes),
    );
    const chunk = this.#workers
      .run<KeptLines>(
        {
          type: 'keep',
          text,
          drops: new Int32Array(0),
          dropCount: 0,
          options: { ...this.#keepOptions, compress: true },
        },
        [text.buffer as ArrayBuffer],
      )
      .then(kept => (kept as { chunk: Chunk }).chunk);
    chunk.catch(() => {}); // Awaited by GzipParts.
    this.#parts.add(this.#gatheredBytes, this.#gatheredEvents, chunk);
    this.#gathered = [];
    this.#gatheredBytes = 0;
    this.#gatheredEvents = 0;
  }
}

/**
 * Deletes the files of an earlier attempt in `folder` that the new manifest
 * does not list (`keep`): delivered files and key files only.
 */
export async function removeStaleFiles(
  storage: PartitionStorage,
  folder: string,
  keep: string[],
): Promise<void> {
  const kept = new Set(keep);
  const prefix = `${folder}/`;
  for (const file of await storage.list(prefix)) {
    const name = file.slice(prefix.length);
    if (
      !kept.has(file) &&
      /^(part-\d+\.ndjson\.gz|_keys-(\d+|sources)\.bin)$/.test(name)
    ) {
      await storage.delete(file);
    }
  }
}
