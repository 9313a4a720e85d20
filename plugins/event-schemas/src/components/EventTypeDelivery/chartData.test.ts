import { Partition } from '@data-collection/plugin-delivery-pipeline-common';
import {
  durationTicks,
  latenessSeries,
  latenessSummary,
  timeTicks,
  volumeSeries,
  volumeSummary,
} from './chartData';
import { moveFocus } from './heatmapNavigation';
import { buildHeatmap } from './hours';
import { HOUR_MS, rangeWindow } from './range';

const now = new Date(2026, 10, 23, 14, 30);
const at = (hour: number, day = 23) => new Date(2026, 10, day, hour).getTime();

function delivered(start: number, latenessSeconds: number): Partition {
  const latenessMs = latenessSeconds * 1000;
  return {
    eventType: 'com.example.playback.started',
    start: new Date(start).toISOString(),
    end: new Date(start + HOUR_MS).toISOString(),
    state: 'delivered',
    counts: {
      received: 100,
      bytes: 1000,
      duplicates: 3,
      conflicts: 1,
      failed: 2,
      delivered: 96,
    },
    latenessMs,
    slaMet: latenessSeconds <= 4 * 3600,
  };
}

const window = rangeWindow('24h', now);
const heatmap = buildHeatmap({
  partitions: [delivered(at(12), 600), delivered(at(13), 5 * 3600)],
  window,
  now,
});

describe('chart data', () => {
  it('has a volume point per hour of the window and sums it up', () => {
    const points = volumeSeries(heatmap.hours);
    expect(points).toHaveLength(24);
    expect(points.find(p => p.time === at(13))).toEqual({
      time: at(13),
      received: 100,
      duplicates: 4,
      failed: 2,
    });
    expect(volumeSummary(points, '24 hours')).toBe(
      'Events per hour over the last 24 hours: 200 received in all, at most 100 in one hour (Mon 23 Nov 12:00); 8 duplicates; 4 failed.',
    );
    expect(volumeSummary(volumeSeries([]), '7 days')).toBe(
      'No events received in the last 7 days.',
    );
  });

  it('has a lateness point per delivered hour, against the SLA', () => {
    const points = latenessSeries(heatmap.hours);
    expect(points).toEqual([
      { time: at(12), latenessSeconds: 600 },
      { time: at(13), latenessSeconds: 18_000 },
    ]);
    expect(latenessSummary(points, '24 hours', 4 * 3600)).toBe(
      'Worst lateness per hour over the last 24 hours: at most 5 h (Mon 23 Nov 13:00); 1 of 2 delivered hours later than the SLA of 4 h.',
    );
    expect(latenessSummary([], '24 hours', 4 * 3600)).toBe(
      'No partition was delivered in the last 24 hours.',
    );
  });

  it('ticks every 3 hours over a day and every midnight over a week', () => {
    expect(timeTicks(window).map(t => new Date(t).getHours())).toEqual([
      15, 18, 21, 0, 3, 6, 9, 12,
    ]);
    const week = timeTicks(rangeWindow('7d', now));
    expect(week).toHaveLength(7);
    expect(week.every(t => new Date(t).getHours() === 0)).toBe(true);
  });
});

describe('durationTicks', () => {
  it('steps in round units up to the highest value', () => {
    expect(durationTicks(7200)).toEqual([0, 1800, 3600, 5400, 7200]);
    expect(durationTicks(21)).toEqual([0, 10, 20, 30]);
    expect(durationTicks(5 * 3600)).toEqual([0, 7200, 14_400, 21_600]);
    expect(durationTicks(10 * 86_400)).toEqual([0, 604_800, 1_209_600]);
  });
});

describe('moveFocus', () => {
  const cell = (start: number) =>
    heatmap.hours.find(c => c.start.getTime() === start)!;

  it('moves through the hours, across midnight, and by day', () => {
    expect(moveFocus(heatmap.days, cell(at(12)), 'ArrowRight')).toBe(
      cell(at(13)),
    );
    expect(moveFocus(heatmap.days, cell(at(0)), 'ArrowLeft')).toBe(
      cell(at(23, 22)),
    );
    expect(moveFocus(heatmap.days, cell(at(16, 22)), 'ArrowDown')).toBe(
      undefined,
    );
    expect(moveFocus(heatmap.days, cell(at(12)), 'ArrowUp')).toBe(undefined);
    expect(moveFocus(heatmap.days, cell(at(9)), 'ArrowUp')).toBe(undefined);
    expect(moveFocus(heatmap.days, cell(at(9)), 'Home')).toBe(cell(at(0)));
    expect(moveFocus(heatmap.days, cell(at(9)), 'End')).toBe(cell(at(14)));
    expect(moveFocus(heatmap.days, cell(at(9)), 'Home', true)).toBe(
      cell(at(15, 22)),
    );
    // The future is not a cell to go to.
    expect(moveFocus(heatmap.days, cell(at(14)), 'ArrowRight')).toBe(undefined);
  });

  it('moves up and down a day in the same hour', () => {
    const week = buildHeatmap({
      partitions: [],
      window: rangeWindow('7d', now),
      now,
    });
    const start = week.hours.find(c => c.start.getTime() === at(9))!;
    const above = moveFocus(week.days, start, 'ArrowUp');
    expect(above?.start.getTime()).toBe(at(9, 22));
    expect(moveFocus(week.days, above!, 'ArrowDown')).toBe(start);
    expect(moveFocus(week.days, start, 'Enter')).toBeUndefined();
  });
});
