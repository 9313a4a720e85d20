import { bigQueryTableId, partitionFolder } from './partitionLayout';
import {
  checkPartitionWidth,
  isInNarrowerPartitionFolder,
  partitionStartOf,
  partitionStartOfTimeFolder,
  partitionTimeFolder,
  spansWholeHours,
} from './partitionTime';

describe('partition layout', () => {
  const at = Date.UTC(2026, 10, 23, 10, 17, 42, 123);

  it('buckets receive times by the partition width', () => {
    expect(partitionStartOf(at, 3_600_000)).toBe(Date.UTC(2026, 10, 23, 10));
    expect(partitionStartOf(at, 10_000)).toBe(
      Date.UTC(2026, 10, 23, 10, 17, 40),
    );
  });

  it('lays hourly partitions out by day and hour, narrower ones below', () => {
    const hour = Date.UTC(2026, 10, 23, 9);
    expect(
      partitionFolder({
        kind: 'raw',
        eventType: 'com.example.a',
        start: hour,
        widthMs: 3_600_000,
      }),
    ).toBe('raw/com.example.a/2026-11-23/09');
    expect(
      partitionFolder({
        kind: 'delivered',
        eventType: 'com.example.a',
        start: partitionStartOf(at, 10_000),
        widthMs: 10_000,
      }),
    ).toBe('delivered/com.example.a/2026-11-23/10/17-40');
  });

  it('refuses an event type whose name would be another folder', () => {
    for (const eventType of ['.', '..', '.hidden', 'a/b', '']) {
      expect(() =>
        partitionFolder({
          kind: 'raw',
          eventType,
          start: 0,
          widthMs: 3_600_000,
        }),
      ).toThrow(/Invalid event type name/);
    }
  });

  it('accepts widths that divide a day, and explains the others', () => {
    for (const ok of [1000, 10_000, 900_000, 3_600_000, 86_400_000]) {
      expect(() => checkPartitionWidth(ok)).not.toThrow();
    }
    for (const bad of [0, 1500, 7 * 60_000, 5 * 3_600_000]) {
      expect(() => checkPartitionWidth(bad)).toThrow(
        'deliveryPipeline.partitions.width must be whole seconds that divide a day evenly',
      );
    }
  });

  it("decides the folder by the partition's own width, not the configured one", () => {
    const hour = Date.UTC(2026, 10, 23, 9);
    // The same start is another folder at another width: a reader must use
    // the width of the partition it reads.
    expect(partitionTimeFolder(hour, 3_600_000)).toBe('2026-11-23/09');
    expect(partitionTimeFolder(hour, 2 * 3_600_000)).toBe('2026-11-23/09');
    expect(partitionTimeFolder(hour, 86_400_000)).toBe('2026-11-23/09');
    expect(partitionTimeFolder(hour, 900_000)).toBe('2026-11-23/09/00-00');
    expect(spansWholeHours(hour, 3_600_000)).toBe(true);
    expect(spansWholeHours(hour + 900_000, 3_600_000)).toBe(false);
    expect(spansWholeHours(hour, 900_000)).toBe(false);
    expect(spansWholeHours(hour, 0)).toBe(false);
  });

  it('reads the start back from a time folder, and nothing else', () => {
    for (const [start, widthMs] of [
      [Date.UTC(2026, 10, 23, 9), 3_600_000],
      [Date.UTC(2026, 10, 23, 23, 59, 50), 10_000],
      [Date.UTC(2026, 0, 1, 0, 15), 900_000],
    ]) {
      expect(
        partitionStartOfTimeFolder(partitionTimeFolder(start, widthMs)),
      ).toBe(start);
    }
    for (const other of [
      '',
      '2026-11-23',
      '2026-11-23/9',
      '2026-13-45/99',
      'x/2026-11-23/09',
    ]) {
      expect(partitionStartOfTimeFolder(other)).toBeUndefined();
    }
  });

  it('tells the folders of narrower partitions inside an hour apart', () => {
    expect(
      isInNarrowerPartitionFolder(3_600_000, '15-00/part-0.ndjson.gz'),
    ).toBe(true);
    expect(isInNarrowerPartitionFolder(3_600_000, 'part-0.ndjson.gz')).toBe(
      false,
    );
    expect(isInNarrowerPartitionFolder(3_600_000, '_manifest.json')).toBe(
      false,
    );
    expect(isInNarrowerPartitionFolder(10_000, '15-00/part-0.ndjson.gz')).toBe(
      false,
    );
  });
});

describe('bigQueryTableId', () => {
  it('turns what BigQuery table ids refuse into underscores', () => {
    expect(bigQueryTableId('com.example.playback.started')).toBe(
      'com_example_playback_started',
    );
    expect(bigQueryTableId('a-b_c9')).toBe('a-b_c9');
  });
});
