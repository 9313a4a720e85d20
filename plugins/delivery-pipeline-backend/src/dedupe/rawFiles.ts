import { PartitionStorage } from '@data-collection/plugin-delivery-pipeline-node';

/**
 * Reads the raw files from `first` on and starts `start` on each, up to
 * `readAhead` at a time; calls `handle` with the results in file order.
 */
export async function forEachRawFile<T>(
  options: {
    storage: PartitionStorage;
    rawFiles: string[];
    readAhead: number;
  },
  first: number,
  start: (compressed: Uint8Array, index: number) => Promise<T>,
  handle: (result: T, index: number) => Promise<void>,
): Promise<void> {
  const { storage, rawFiles, readAhead } = options;
  const tasks = new Map<number, Promise<T>>();
  const begin = (index: number) => {
    if (index >= rawFiles.length || tasks.has(index)) return;
    // A copy, which moves to a worker: the storage may hold on to what
    // it returned (~1 MB, a fraction of a millisecond).
    const task = storage
      .read(rawFiles[index])
      .then(compressed => start(new Uint8Array(compressed), index));
    task.catch(() => {}); // Awaited below; not unhandled meanwhile.
    tasks.set(index, task);
  };
  for (let index = first; index < rawFiles.length; index++) {
    for (let ahead = 0; ahead < readAhead; ahead++) {
      begin(index + ahead);
    }
    const result = await tasks.get(index)!;
    tasks.delete(index);
    await handle(result, index);
  }
}
