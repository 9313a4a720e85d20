import { act, renderHook } from '@testing-library/react';
import { useRefreshClock } from './useRefreshClock';

describe('useRefreshClock', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('moves on every interval, and refreshedAt only on refresh', () => {
    jest.setSystemTime(new Date('2026-11-23T14:00:00Z'));
    const { result } = renderHook(() => useRefreshClock(60_000));
    const first = result.current;
    expect(first.now.toISOString()).toBe('2026-11-23T14:00:00.000Z');

    act(() => {
      jest.advanceTimersByTime(60_000);
    });
    expect(result.current.now.toISOString()).toBe('2026-11-23T14:01:00.000Z');
    expect(result.current.refreshedAt).toBe(first.refreshedAt);

    act(() => {
      jest.advanceTimersByTime(5_000);
      result.current.refresh();
    });
    expect(result.current.now.toISOString()).toBe('2026-11-23T14:01:05.000Z');
    expect(result.current.refreshedAt).toBe(result.current.now);
  });

  it('stops its timer when unmounted', () => {
    const { unmount } = renderHook(() => useRefreshClock(60_000));
    expect(jest.getTimerCount()).toBe(1);
    unmount();
    expect(jest.getTimerCount()).toBe(0);
  });
});
