import {
  formatIsoDuration,
  formatMs,
  formatPercent,
  formatSeconds,
  isoDurationSeconds,
} from './format';

describe('format', () => {
  it('writes durations in the largest sensible units', () => {
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(720)).toBe('12 min');
    expect(formatSeconds(7500)).toBe('2 h 5 min');
    expect(formatSeconds(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatSeconds(undefined)).toBe('–');
  });

  it("writes the API's milliseconds in the same units", () => {
    expect(formatMs(45_000)).toBe('45 s');
    expect(formatMs(7_500_000)).toBe('2 h 5 min');
    expect(formatMs(0)).toBe('0 s');
    expect(formatMs(undefined)).toBe('–');
  });

  it('reads ISO 8601 durations', () => {
    expect(isoDurationSeconds('PT4H')).toBe(14_400);
    expect(isoDurationSeconds('P30D')).toBe(2_592_000);
    expect(isoDurationSeconds('P1DT30M')).toBe(88_200);
    expect(isoDurationSeconds('P')).toBeUndefined();
    expect(isoDurationSeconds('4 hours')).toBeUndefined();
    expect(formatIsoDuration('PT4H')).toBe('4 h');
    expect(formatIsoDuration('nonsense')).toBe('nonsense');
  });

  it('writes rates as percentages that never round a failure away', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.0312)).toBe('3.1%');
    expect(formatPercent(0.0004)).toBe('<0.1%');
    expect(formatPercent(0.999)).toBe('99.9%');
    expect(formatPercent(0.9999)).toBe('99.99%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(undefined)).toBe('–');
  });
});
