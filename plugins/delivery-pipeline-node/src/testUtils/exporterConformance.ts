/* eslint-disable jest/no-export */
// Registers jest tests with jest's globals at call time; see
// transportConformance.ts.
import { partitionFolder } from '@data-collection/plugin-delivery-pipeline-common';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  DeliveredFile,
  DeliveredPartition,
  PartitionExporter,
} from '../exporter';
import { MANIFEST_FORMAT, writeManifest } from '../manifest';
import { PartitionStorage } from '../storage';

/**
 * An exporter on a fresh, empty destination for one test of
 * {@link describeExporterConformance}.
 *
 * @public
 */
export type ExporterHarness = {
  exporter: PartitionExporter;
  /** The storage the exporter reads delivered partitions from. */
  storage: PartitionStorage;
  /** An event type the destination takes (registered, with a schema). */
  eventType: string;
  /** The `data` of event `i`, valid for the event type's schema. */
  data(i: number, receivedAt: number): Record<string, unknown>;
  /**
   * The CloudEvents `id` of every event the destination holds for the
   * event type, duplicates included.
   */
  exportedIds(): Promise<string[]>;
  /**
   * Makes the destination fail the next export (a load refused, say), as
   * a real one does now and then; the suite then checks that the exporter
   * rejects and that its retry exports each event once.
   */
  failNext(): void;
};

/**
 * What an exporter's test states about it where exporters legitimately
 * differ.
 *
 * @public
 */
export type ExporterConformanceOptions = {
  /**
   * Whether exporting a partition delivered again (the same window, other
   * files, another checksum) replaces what its earlier delivery exported.
   * Default `true`; an append-only destination says `false`, and the suite
   * checks that the second delivery's events are there.
   */
  replacesRedeliveries?: boolean;
};

/**
 * Writes a delivered partition as the deduper does (gzip NDJSON files in
 * the partition's folder, then its manifest) and returns it as exporters
 * receive it. Events are CloudEvents with ids `<tag>-<i>` and the given
 * `data`.
 *
 * @public
 */
export async function writeDeliveredPartition(options: {
  storage: PartitionStorage;
  eventType: string;
  start: number;
  widthMs: number;
  events: number;
  /** Events per file; default all in one. */
  perFile?: number;
  /** Prefix of the event ids; default `e`. */
  tag?: string;
  data: (i: number, receivedAt: number) => Record<string, unknown>;
}): Promise<DeliveredPartition> {
  const { storage, eventType, start, widthMs, events } = options;
  const folder = partitionFolder({
    kind: 'delivered',
    eventType,
    start,
    widthMs,
  });
  const perFile = Math.max(1, options.perFile ?? events);
  const files: DeliveredFile[] = [];
  for (let first = 0; first < events; first += perFile) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(events, first + perFile); i++) {
      const receivedAt = start + Math.floor((i * widthMs) / events);
      lines.push(
        JSON.stringify({
          specversion: '1.0',
          id: `${options.tag ?? 'e'}-${i}`,
          source: '/conformance',
          type: eventType,
          time: new Date(receivedAt - 5).toISOString(),
          datacontenttype: 'application/json',
          data: options.data(i, receivedAt),
          receivedAt: new Date(receivedAt).toISOString(),
        }),
      );
    }
    const content = gzipSync(`${lines.join('\n')}\n`);
    const path = `${folder}/part-${String(files.length).padStart(
      5,
      '0',
    )}.ndjson.gz`;
    await storage.write(path, content);
    files.push({
      path,
      events: lines.length,
      bytes: content.length,
      sha256: `sha256:${sha256(content)}`,
    });
  }
  const checksum = `sha256:${sha256(files.map(f => `${f.sha256}\n`).join(''))}`;
  const manifestPath = await writeManifest(storage, folder, {
    format: MANIFEST_FORMAT,
    eventType,
    start: new Date(start).toISOString(),
    end: new Date(start + widthMs).toISOString(),
    key: ['source', 'id'],
    counts: {
      received: events,
      delivered: events,
      duplicates: 0,
      conflicts: 0,
      malformed: 0,
    },
    files,
    checksum,
    keys: {
      format: 'none',
      sources: {
        path: `${folder}/_keys-sources.bin`,
        count: 0,
        bytes: 0,
        sha256: '',
      },
      files: [],
    },
  });
  return {
    eventType,
    start,
    end: start + widthMs,
    folder,
    files,
    manifestPath,
    events,
    checksum,
  };
}

const HOUR = Date.UTC(2026, 10, 23, 10);

/**
 * What every `PartitionExporter` promises, registered as one `it.each` per
 * behaviour over `variants`. Call it inside a `describe` of the exporter's
 * test file.
 *
 * @public
 */
export function describeExporterConformance<Variant extends string>(
  variants: Array<[Variant]>,
  createHarness: (variant: Variant) => Promise<ExporterHarness>,
  options: ExporterConformanceOptions = {},
): void {
  const replaces = options.replacesRedeliveries ?? true;

  async function deliver(
    harness: ExporterHarness,
    partition: {
      start?: number;
      widthMs?: number;
      events: number;
      perFile?: number;
      tag?: string;
    },
  ) {
    return writeDeliveredPartition({
      storage: harness.storage,
      eventType: harness.eventType,
      start: partition.start ?? HOUR,
      widthMs: partition.widthMs ?? 3_600_000,
      events: partition.events,
      perFile: partition.perFile,
      tag: partition.tag,
      data: harness.data,
    });
  }

  const ids = (tag: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  const sorted = (list: string[]) => [...list].sort();

  it.each(variants)(
    'has a name for logs and the recorded export state, %p',
    async variant => {
      const { exporter } = await createHarness(variant);
      expect(typeof exporter.name).toBe('string');
      expect(exporter.name).toMatch(/\S/);
      expect(exporter.name).toBe(exporter.name.trim());
    },
  );

  it.each(variants)(
    'exports every event of a delivered partition, across its files, %p',
    async variant => {
      const harness = await createHarness(variant);
      const partition = await deliver(harness, { events: 25, perFile: 10 });
      expect(partition.files).toHaveLength(3);
      await harness.exporter.export(partition);
      expect(sorted(await harness.exportedIds())).toEqual(sorted(ids('e', 25)));
    },
  );

  it.each(variants)(
    'exports each event once however often it is called, %p',
    async variant => {
      const harness = await createHarness(variant);
      const partition = await deliver(harness, { events: 12 });
      await harness.exporter.export(partition);
      await harness.exporter.export(partition);
      // A replica retrying while another exports: the runner's lease makes
      // this rare, but a crash after the export and before its record makes
      // the second call certain.
      await Promise.all([
        harness.exporter.export(partition),
        harness.exporter.export(partition),
      ]);
      expect(sorted(await harness.exportedIds())).toEqual(sorted(ids('e', 12)));
    },
  );

  // Replaced, or added where the destination is append-only.
  it.each(variants)(
    'exports a partition delivered again, %p',
    async variant => {
      const harness = await createHarness(variant);
      await harness.exporter.export(
        await deliver(harness, { events: 8, tag: 'first' }),
      );
      const again = await deliver(harness, { events: 5, tag: 'second' });
      await harness.exporter.export(again);
      const expected = replaces
        ? ids('second', 5)
        : [...ids('first', 8), ...ids('second', 5)];
      expect(sorted(await harness.exportedIds())).toEqual(sorted(expected));
    },
  );

  it.each(variants)(
    'exports partitions narrower than an hour side by side, %p',
    async variant => {
      const harness = await createHarness(variant);
      const widthMs = 10_000;
      for (const [n, tag] of ['a', 'b', 'c'].entries()) {
        const partition = await deliver(harness, {
          start: HOUR + n * widthMs,
          widthMs,
          events: 4,
          tag,
        });
        await harness.exporter.export(partition);
        await harness.exporter.export(partition);
      }
      expect(sorted(await harness.exportedIds())).toEqual(
        sorted([...ids('a', 4), ...ids('b', 4), ...ids('c', 4)]),
      );
    },
  );

  it.each(variants)(
    'exports a partition delivered empty without adding anything, %p',
    async variant => {
      const harness = await createHarness(variant);
      await harness.exporter.export(await deliver(harness, { events: 3 }));
      const empty = await deliver(harness, {
        start: HOUR + 3_600_000,
        events: 0,
      });
      expect(empty.files).toEqual([]);
      await harness.exporter.export(empty);
      await harness.exporter.export(empty);
      expect(sorted(await harness.exportedIds())).toEqual(sorted(ids('e', 3)));
    },
  );

  it.each(variants)(
    'rejects when its destination fails, and exports once when retried, %p',
    async variant => {
      const harness = await createHarness(variant);
      const partition = await deliver(harness, { events: 6 });
      harness.failNext();
      await expect(harness.exporter.export(partition)).rejects.toThrow();
      await harness.exporter.export(partition);
      expect(sorted(await harness.exportedIds())).toEqual(sorted(ids('e', 6)));
    },
  );
}

function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}
