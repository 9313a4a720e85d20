import { Worker } from 'node:worker_threads';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  LocalTransportContents,
  LocalTransportOp,
  LocalTransportReady,
  LocalTransportReply,
  LocalTransportRequest,
  LocalTransportResults,
  LocalTransportWorkerData,
  SerializedError,
} from './localTransportProtocol';
import { localTransportWorkerFile } from './localTransportWorker';

type RequestBody<Op extends LocalTransportOp> = Omit<
  Extract<LocalTransportRequest, { op: Op }>,
  'id' | 'op'
>;

type Pending = {
  resolve(result: unknown): void;
  reject(error: Error): void;
};

/** Talks to the worker thread that owns the file. */
export class LocalTransportWorkerClient {
  static async start(
    file: string,
    logger?: LoggerService,
  ): Promise<{
    worker: LocalTransportWorkerClient;
    contents: LocalTransportContents;
  }> {
    const workerData: LocalTransportWorkerData = {
      localTransportWorker: true,
      file,
    };
    const worker = new Worker(localTransportWorkerFile, {
      workerData,
      execArgv: sourceTransformArgs(localTransportWorkerFile),
    });
    const ready = await new Promise<LocalTransportReady>((resolve, reject) => {
      const exited = (code: number) =>
        reject(new Error(`The local transport worker exited with ${code}`));
      worker.once('error', reject).once('exit', exited);
      worker.once('message', (message: LocalTransportReady) => {
        // Only ours: the worker has listeners of its own.
        worker.off('error', reject).off('exit', exited);
        resolve(message);
      });
    });
    if (!ready.ready) {
      await worker.terminate();
      throw deserialize(ready.error, `Cannot open ${file}`);
    }
    return {
      worker: new LocalTransportWorkerClient(worker, logger),
      contents: ready.contents,
    };
  }

  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  /** Set once the worker died; every request fails with it from then on. */
  #failure?: Error;

  private constructor(
    private readonly worker: Worker,
    private readonly logger?: LoggerService,
  ) {
    worker.on('message', (reply: LocalTransportReply) => this.#answer(reply));
    worker.on('error', (error: Error) => this.#fail(error));
    worker.on('exit', code =>
      this.#fail(new Error(`The local transport worker exited with ${code}`)),
    );
  }

  request<Op extends LocalTransportOp>(
    op: Op,
    body: RequestBody<Op>,
  ): Promise<LocalTransportResults[Op]> {
    if (this.#failure) {
      return Promise.reject(this.#failure);
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.worker.postMessage({ ...body, op, id });
    });
  }

  /** Answered after every request sent before; the worker then exits. */
  async close(): Promise<void> {
    if (this.#failure) {
      return;
    }
    await this.request('close', {});
    await new Promise<void>(resolve => {
      if (this.worker.threadId === -1) {
        resolve();
      } else {
        this.worker.once('exit', () => resolve());
      }
    });
  }

  #answer(reply: LocalTransportReply) {
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if ('error' in reply) {
      pending?.reject(deserialize(reply.error));
    } else {
      pending?.resolve(reply.result);
    }
  }

  #fail(error: Error) {
    if (this.#failure) {
      return;
    }
    this.#failure = error;
    if (this.#pending.size > 0) {
      this.logger?.error(
        `The local transport worker stopped with ${
          this.#pending.size
        } requests unanswered`,
        error,
      );
    }
    for (const pending of this.#pending.values()) {
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

/**
 * Running from source (tests, `backstage-cli package start`), the worker is
 * TypeScript, and a worker thread gets none of the parent's module hooks:
 * give it the same transform the CLI uses. A build ships compiled
 * JavaScript and needs nothing.
 */
function sourceTransformArgs(workerFile: string): string[] | undefined {
  if (!/\.[cm]?ts$/.test(workerFile)) {
    return undefined;
  }
  return [
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs'),
  ];
}

function deserialize(error: SerializedError, context?: string): Error {
  const result = new Error(
    context ? `${context}: ${error.message}` : error.message,
  );
  result.name = error.name;
  return result;
}
