import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * One query parameter as state, so that what the user chose (a filter, a
 * pair of versions, a time range) survives a reload and can be shared as a
 * link. Setting the default (or undefined) removes it from the URL.
 */
export function useSearchParam(
  name: string,
  defaultValue = '',
): [string, (value: string | undefined) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? defaultValue;
  const setValue = useCallback(
    (next: string | undefined) => {
      setParams(
        current => {
          const updated = new URLSearchParams(current);
          if (next === undefined || next === '' || next === defaultValue) {
            updated.delete(name);
          } else {
            updated.set(name, next);
          }
          return updated;
        },
        { replace: true },
      );
    },
    [name, defaultValue, setParams],
  );
  return [value, setValue];
}
