import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useSearchParam } from '../shared';
import { EventTypeFilters, FILTER_NAMES } from './eventTypeRows';

/**
 * The table's filters as query parameters (`q`, `owner`, `format`,
 * `lifecycle`, `status`), so a reload or a shared link keeps them.
 */
export function useEventTypeFilters(): {
  filters: EventTypeFilters;
  setFilter: (name: keyof EventTypeFilters, value: string) => void;
  clearFilters: () => void;
} {
  const [q, setQ] = useSearchParam('q');
  const [owner, setOwner] = useSearchParam('owner');
  const [format, setFormat] = useSearchParam('format');
  const [lifecycle, setLifecycle] = useSearchParam('lifecycle');
  const [status, setStatus] = useSearchParam('status');
  const [, setParams] = useSearchParams();

  const setters = {
    q: setQ,
    owner: setOwner,
    format: setFormat,
    lifecycle: setLifecycle,
    status: setStatus,
  };
  const setFilter = (name: keyof EventTypeFilters, value: string) =>
    setters[name](value);

  // One navigation for all of them: several setters in a row would each
  // start from the same parameters and undo one another.
  const clearFilters = useCallback(
    () =>
      setParams(
        current => {
          const updated = new URLSearchParams(current);
          FILTER_NAMES.forEach(name => updated.delete(name));
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  // The same object while nothing changed, so the filtered rows (and the
  // table's state) are not recomputed on every render.
  const filters = useMemo(
    () => ({ q, owner, format, lifecycle, status }),
    [q, owner, format, lifecycle, status],
  );

  return {
    filters,
    setFilter,
    clearFilters,
  };
}
