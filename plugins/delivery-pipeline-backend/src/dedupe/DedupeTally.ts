import { DelayHistogram } from './DelayHistogram';

/** Examples of malformed lines logged. */
const MALFORMED_EXAMPLES = 5;

/**
 * What a dedupe run counted: events read, dropped as duplicates or
 * conflicts, delivered unread (malformed), and the client delays of those
 * kept. Fields are public for the main thread's hot loop.
 */
export class DedupeTally {
  /** Events numbered in raw order over all files. */
  seq = 0;
  received = 0;
  duplicates = 0;
  conflicts = 0;
  malformed = 0;
  readonly malformedExamples: string[] = [];
  readonly delays = new DelayHistogram();

  get delivered(): number {
    return this.received - this.duplicates - this.conflicts;
  }

  countDrop(sameContent: boolean): void {
    if (sameContent) {
      this.duplicates += 1;
    } else {
      this.conflicts += 1;
    }
  }

  noteMalformed(b: Uint8Array, start: number, end: number): void {
    this.malformed += 1;
    if (this.malformedExamples.length < MALFORMED_EXAMPLES) {
      const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(
        'utf8',
        start,
        Math.min(end, start + 80),
      );
      this.malformedExamples.push(
        JSON.stringify(end - start > 80 ? `${text}...` : text),
      );
    }
  }
}
