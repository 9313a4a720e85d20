import { Worker } from 'node:worker_threads';
import {
  dedupeWorkerFile,
  FileTask,
  FileTaskState,
  newFileTaskState,
  runFileTask,
} from './dedupeWorker';

/**
 * Runs file tasks (fileTasks.ts) in worker threads, each task on the worker
 * with the fewest under way, or in the calling thread when there are none.
 */
export class FileWorkers {
  readonly #workers: Array<{
    worker: Worker;
    busy: number;
    exited: Promise<void>;
  }> = [];
  readonly #pending = new Map<
    number,
    { resolve(result: unknown): void; reject(error: Error): void }
  >();
  #nextId = 0;
  #failure?: Error;
  /** For tasks run in this thread. */
  readonly #state: FileTaskState = newFileTaskState();

  /** `count` 0: tasks run in the calling thread. */
  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(dedupeWorkerFile, {
        workerData: { dedupeWorker: true },
        execArgv: sourceTransformArgs(dedupeWorkerFile),
      });
      const entry = {
        worker,
        busy: 0,
        exited: new Promise<void>(resolve =>
          worker.once('exit', () => resolve()),
        ),
      };
      worker.on(
        'message',
        (message: {
          id: number;
          result?: unknown;
          error?: SerializedError;
        }) => {
          entry.busy -= 1;
          const pending = this.#pending.get(message.id);
          this.#pending.delete(message.id);
          if (message.error) {
            const error = new Error(message.error.message);
            error.name = message.error.name;
            pending?.reject(error);
          } else {
            pending?.resolve(message.result);
          }
        },
      );
      worker.on('error', (error: unknown) =>
        this.#fail(error instanceof Error ? error : new Error(String(error))),
      );
      worker.on('exit', code => {
        if (this.#workers.length > 0) {
          this.#fail(new Error(`A deduper worker thread exited with ${code}`));
        }
      });
      this.#workers.push(entry);
    }
  }

  /**
   * Runs a task; the ArrayBuffers in `transfer` move to the worker and can
   * no longer be used here.
   */
  run<T>(task: FileTask, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#workers.length === 0) {
      return Promise.resolve().then(
        () => runFileTask(task, this.#state).result as T,
      );
    }
    let chosen = this.#workers[0];
    for (const entry of this.#workers) {
      if (entry.busy < chosen.busy) chosen = entry;
    }
    const workerIndex = this.#workers.indexOf(chosen);
    const id = this.#nextId++;
    chosen.busy += 1;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (result: unknown) => {
          if (task.type === 'scan')
            (result as { worker: number }).worker = workerIndex;
          resolve(result as T);
        },
        reject,
      });
      try {
        chosen.worker.postMessage({ id, task }, uniqueBuffers(transfer));
      } catch (error) {
        this.#pending.delete(id);
        chosen.busy -= 1;
        reject(error);
      }
    });
  }

  /**
   * Stops the workers: asks them to finish (so that, say, --cpu-prof writes
   * their profiles), and terminates those still running after a second.
   */
  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    this.#fail(new Error('The deduper workers were closed'));
    await Promise.all(
      workers.map(async ({ worker, exited }) => {
        worker.postMessage({ close: true });
        const timer = setTimeout(() => worker.terminate(), 1000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

type SerializedError = { name: string; message: string };

export function uniqueBuffers(buffers: ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)];
}

/**
 * Node options for a worker: those of this process (inherited), plus the
 * TypeScript transform when the worker is a .ts file (tests, benchmarks)
 * and this process was not started with it (jest transforms on its own).
 */
function sourceTransformArgs(workerFile: string): string[] | undefined {
  if (!/\.[cm]?ts$/.test(workerFile)) return undefined;
  const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');
  if (process.execArgv.some(arg => arg.includes('nodeTransform'))) {
    return undefined;
  }
  return ['--require', transform];
}
