import { useCallback, useEffect, useState } from 'react';

/**
 * The time the tab shows data as of: moved on every `intervalMs` (while the
 * page is visible), on `tick()` (a partition signal) and on `refresh()`.
 * `refreshedAt` moves on `refresh()` only, for lists the user pages through,
 * which would lose their place if reloaded under them.
 */
export function useRefreshClock(intervalMs: number): {
  now: Date;
  refreshedAt: Date;
  refresh: () => void;
  tick: () => void;
} {
  const [now, setNow] = useState(() => new Date());
  const [refreshedAt, setRefreshedAt] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden) setNow(new Date());
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  const refresh = useCallback(() => {
    const at = new Date();
    setNow(at);
    setRefreshedAt(at);
  }, []);
  const tick = useCallback(() => setNow(new Date()), []);
  return { now, refreshedAt, refresh, tick };
}
