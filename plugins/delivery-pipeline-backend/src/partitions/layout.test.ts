import {
  checkPartitionWidth,
  partitionFolder,
  partitionStartOf,
} from './layout';

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
});
