import { viewOf } from './bytes';
import { ScannedFile } from './fileTasks';
import { hashBytes, hashOut } from './hash';
import { readVarint, SourceDictionary, varintEnd } from './keys';
import { SOURCE_SEED } from './lineLayout';

/** A worker's source we have not numbered yet (see SourceNumbering.maps). */
export const NOT_NUMBERED = -2;

/**
 * The workers' numbers of sources -> the run's (in its dictionary). Each
 * worker numbers the sources it meets while scanning; they get the run's
 * numbers in raw order, so that numbers, and so the key files, do not
 * depend on the workers' timing.
 */
export class SourceNumbering {
  readonly #sources: SourceDictionary;
  /**
   * Per worker: its numbers of sources -> ours, -1 for a source not in our
   * dictionary, NOT_NUMBERED for one not yet met in raw order (its text is
   * in #pending). Public for the main thread's hot loop.
   */
  readonly maps: Int32Array[] = [];
  readonly #pending: Array<Array<Uint8Array | undefined>> = [];

  constructor(sources: SourceDictionary) {
    this.#sources = sources;
  }

  /**
   * Learns the sources a worker numbered while scanning a file. Called as
   * each scan ends, which for one worker is the order it numbered them in,
   * even when files reach it out of order (reads finish in any order). They
   * get our numbers later, in raw order ({@link SourceNumbering.number}).
   */
  declare(scanned: ScannedFile): void {
    const { newSources, firstNewSource, worker } = scanned;
    let map = this.maps[worker] ?? new Int32Array(64);
    const pending = (this.#pending[worker] ??= []);
    const view = viewOf(newSources);
    let local = firstNewSource;
    for (let at = 0; at < newSources.length; local++) {
      const length = readVarint(newSources, at + 4);
      const start = varintEnd;
      if (local >= map.length) {
        const grown = new Int32Array(Math.max(local + 1, map.length * 2));
        grown.set(map);
        map = grown;
      }
      map[local] = NOT_NUMBERED;
      // The hash (view.getInt32(at)) is computed again when numbered.
      void view;
      pending[local] = newSources.slice(start, start + length);
      at = start + length;
    }
    this.maps[worker] = map;
  }

  /** Our number for a worker's source first met now, in raw order. */
  number(worker: number, local: number): number {
    const bytes = this.#pending[worker][local]!;
    this.#pending[worker][local] = undefined;
    const view = viewOf(bytes);
    hashBytes(view, bytes, 0, bytes.length, SOURCE_SEED);
    const number = this.#sources.intern(
      bytes,
      view,
      0,
      bytes.length,
      hashOut[0],
    );
    this.maps[worker][local] = number;
    return number;
  }
}
