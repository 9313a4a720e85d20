/**
 * Which events are dropped, once the keys no longer fit in memory: from
 * then on raw files are only scanned and decided (some buckets only when
 * read back from their spill files), and a last pass rewrites them from
 * this bitmap, by event number. Before that, each file's drops go straight
 * to its output and nothing is kept here.
 */
export class DeferredDrops {
  /** Files from this one on are written by the last pass; -1: none. */
  fromFile = -1;
  fromSeq = 0;
  /** Per raw file: the number of its first event, and how many it has. */
  readonly fileFirstSeq: number[] = [];
  readonly fileEvents: number[] = [];
  /** Bit per event from #fromSeq: set when dropped. */
  #dropped = new Uint8Array(1024);

  get deferred(): boolean {
    return this.fromFile >= 0;
  }

  /** Defers the files from `nextFile` on, whose first event is `seq`. */
  defer(nextFile: number, seq: number): void {
    if (this.fromFile < 0) {
      this.fromFile = nextFile;
      this.fromSeq = seq;
    }
  }

  mark(seq: number): void {
    const bit = seq - this.fromSeq;
    const byte = bit >>> 3;
    if (byte >= this.#dropped.length) {
      const grown = new Uint8Array(
        Math.max(byte + 1, this.#dropped.length * 2),
      );
      grown.set(this.#dropped);
      this.#dropped = grown;
    }
    this.#dropped[byte] |= 1 << (bit & 7);
  }

  /**
   * The dropped bits of one raw file's events, from its first at bit 0, and
   * how many are set.
   */
  bitsOf(index: number): { bits: Uint8Array; dropped: number } {
    const first = this.fileFirstSeq[index] - this.fromSeq;
    const count = this.fileEvents[index];
    const bits = new Uint8Array(Math.ceil(count / 8));
    const all = this.#dropped;
    let dropped = 0;
    for (let i = 0; i < count; i++) {
      const bit = first + i;
      if ((all[bit >>> 3] ?? 0) & (1 << (bit & 7))) {
        bits[i >>> 3] |= 1 << (i & 7);
        dropped += 1;
      }
    }
    return { bits, dropped };
  }
}
