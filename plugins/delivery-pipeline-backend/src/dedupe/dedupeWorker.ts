import { createHash } from 'node:crypto';
import { release } from './bytes';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  dropsFromBits,
  inflateRawFile,
  KeepOptions,
  KeptLines,
  keepLines,
  scanRawFile,
  ScannedFile,
} from './fileTasks';
import { SOURCE_LIMITS, SourceDictionary } from './keys';

/**
 * This module's own file, which FileWorkers starts as a worker. FileWorkers
 * imports it rather than naming the file, so that a build, which keeps only
 * imported modules, ships it.
 */
export const dedupeWorkerFile = __filename;

export type FileTask =
  /** Inflate and scan a raw file: ScannedFile. */
  | { type: 'scan'; compressed: Uint8Array }
  /** Gather and deflate the lines `drops` does not list: KeptLines. */
  | {
      type: 'keep';
      text: Uint8Array;
      drops: Int32Array;
      dropCount: number;
      options: KeepOptions & { compress: boolean };
    }
  /**
   * Inflate a raw file again and keep the events whose bit is clear
   * (dropsFromBits): KeptLines.
   */
  | {
      type: 'rewrite';
      compressed: Uint8Array;
      bits: Uint8Array;
      options: KeepOptions & { compress: boolean };
    }
  /** `sha256:<hex>` of bytes, given back: { bytes, sha256 }. */
  | { type: 'sha256'; bytes: Uint8Array };

/** What a thread running file tasks keeps from task to task. */
export type FileTaskState = {
  /** Numbers sources for the main thread (see ScannedFile.newSources). */
  sources: SourceDictionary;
};

export function newFileTaskState(): FileTaskState {
  return { sources: new SourceDictionary(SOURCE_LIMITS) };
}

/** Runs a task; `transfer` lists the ArrayBuffers the result can give away. */
export function runFileTask(
  task: FileTask,
  state: FileTaskState,
): {
  result: ScannedFile | KeptLines | { bytes: Uint8Array; sha256: string };
  transfer: ArrayBuffer[];
} {
  switch (task.type) {
    case 'sha256':
      return {
        result: {
          bytes: task.bytes,
          sha256: `sha256:${createHash('sha256')
            .update(task.bytes)
            .digest('hex')}`,
        },
        transfer: [task.bytes.buffer as ArrayBuffer],
      };
    case 'scan': {
      const text = inflateRawFile(task.compressed);
      release(task.compressed);
      const scanned = scanRawFile(text, state.sources);
      const result = {
        ...scanned,
        text: owned(scanned.text),
        extra: owned(scanned.extra),
        newSources: owned(scanned.newSources),
      };
      return {
        result,
        transfer: [
          result.text.buffer as ArrayBuffer,
          result.lines.buffer as ArrayBuffer,
          result.cold.buffer as ArrayBuffer,
          result.extra.buffer as ArrayBuffer,
          result.newSources.buffer as ArrayBuffer,
        ],
      };
    }
    case 'keep':
      return kept(
        task.text,
        keepLines(task.text, task.drops, task.dropCount, task.options),
      );
    case 'rewrite': {
      const text = inflateRawFile(task.compressed);
      release(task.compressed);
      const { drops, dropCount } = dropsFromBits(text, task.bits);
      return kept(text, keepLines(text, drops, dropCount, task.options));
    }
    default:
      throw new Error(`Unknown task ${(task as { type: string }).type}`);
  }
}

/** The result of a keep; `text`, the file's lines, is freed unless kept. */
function kept(
  text: Uint8Array,
  result: KeptLines,
): {
  result: KeptLines;
  transfer: ArrayBuffer[];
} {
  if (result.kind === 'lines') {
    const lines = owned(result.lines);
    if (lines.buffer !== text.buffer) release(text);
    return {
      result: { kind: 'lines', lines },
      transfer: [lines.buffer as ArrayBuffer],
    };
  }
  release(text);
  const data = owned(result.chunk.data);
  // zlib's output buffer, when the chunk was copied out of it.
  if (data !== result.chunk.data) release(result.chunk.data);
  return {
    result: { kind: 'chunk', chunk: { ...result.chunk, data } },
    transfer: [data.buffer as ArrayBuffer],
  };
}

/**
 * The bytes in a buffer of their own, which can be transferred: Node's
 * small Buffers share a pool, and a view may share a larger buffer.
 */
function owned(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength) {
    return bytes;
  }
  if (
    bytes.byteLength >= 64 * 1024 &&
    bytes.byteOffset === 0 &&
    bytes.buffer.byteLength <= bytes.byteLength * 1.125
  ) {
    // Mostly the inflated file in a slightly larger buffer: keep it. Not a
    // deflated chunk in zlib's output buffer of twice its size, which would
    // hold the rest while its delivered file is assembled.
    return bytes;
  }
  return new Uint8Array(bytes);
}

type SerializedError = { name: string; message: string };

function isWorkerData(data: unknown): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { dedupeWorker?: boolean }).dedupeWorker === true
  );
}

// The main thread imports this module only for its file name.
if (!isMainThread && parentPort && isWorkerData(workerData)) {
  const port = parentPort;
  const state = newFileTaskState();
  port.on(
    'message',
    ({ id, task, close }: { id: number; task: FileTask; close?: boolean }) => {
      if (close) {
        port.close();
        return;
      }
      try {
        const { result, transfer } = runFileTask(task, state);
        port.postMessage({ id, result }, [...new Set(transfer)]);
      } catch (error) {
        const serialized: SerializedError =
          error instanceof Error
            ? { name: error.name, message: error.message }
            : { name: 'Error', message: String(error) };
        port.postMessage({ id, error: serialized });
      }
    },
  );
}
