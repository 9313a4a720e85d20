import {
  EventTypeHealth,
  Partition,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  withDeprecatedHealthFields,
  withDeprecatedPartitionFields,
} from './deprecatedFields';

describe('withDeprecatedPartitionFields', () => {
  const partition: Partition = {
    eventType: 't',
    start: '2026-12-01T00:00:00.000Z',
    end: '2026-12-01T01:00:00.000Z',
    state: 'delivered',
    counts: {
      received: 10,
      bytes: 900,
      duplicates: 1,
      conflicts: 0,
      failed: 3,
    },
    deliveredAt: '2026-12-01T01:09:00.500Z',
    latenessMs: 540_500,
  };

  it('adds the old names beside the new, in the old units', () => {
    expect(withDeprecatedPartitionFields(partition)).toEqual({
      ...partition,
      counts: { ...partition.counts, invalid: 3 },
      latenessSeconds: 540.5,
    });
  });

  it('adds no lateness to a partition not delivered yet', () => {
    const open: Partition = {
      ...partition,
      state: 'open',
      deliveredAt: undefined,
      latenessMs: undefined,
    };
    const sent = withDeprecatedPartitionFields(open);
    expect(sent).not.toHaveProperty('latenessSeconds');
    expect(sent.counts.invalid).toBe(3);
  });
});

describe('withDeprecatedHealthFields', () => {
  const health: EventTypeHealth = {
    eventType: 't',
    window: {
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
    },
    sla: { maxLatenessMs: 7_200_000, source: 'registry' },
    slaCompliance: { due: 2, met: 1, compliance: 0.5 },
    latenessMs: { p50: 1_800_000, p95: 10_800_000, max: 10_800_000 },
    partitions: { open: 1, closed: 0, delivered: 2, expired: 0 },
    volume: {
      received: 400,
      delivered: 390,
      duplicates: 10,
      conflicts: 0,
      failed: 25,
    },
    duplicateRate: 0.025,
    failedRate: 25 / 425,
  };

  it('adds the old names beside the new, in the old units', () => {
    expect(withDeprecatedHealthFields(health)).toEqual({
      ...health,
      sla: {
        maxLatenessMs: 7_200_000,
        maxLatenessSeconds: 7200,
        source: 'registry',
      },
      latenessSeconds: { p50: 1800, p95: 10_800, max: 10_800 },
      volume: { ...health.volume, invalid: 25 },
      invalidRate: 25 / 425,
    });
  });

  it('keeps lateness and rates absent where nothing was delivered', () => {
    const quiet = withDeprecatedHealthFields({
      ...health,
      latenessMs: {},
      duplicateRate: undefined,
      failedRate: undefined,
    });
    expect(quiet.latenessSeconds).toEqual({});
    expect(quiet.invalidRate).toBeUndefined();
  });
});
