import { useApi } from '@backstage/core-plugin-api';
import {
  CompatibilityCheck,
  EventType,
  parseSchema,
} from '@data-collection/plugin-event-schemas-common';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { eventSchemasApiRef } from '../../../api';
import { prettySchema } from '../diff/schemaDiff';

/**
 * Whether the registry would accept a checked draft that breaks the mode,
 * under the type's `CONSUMERS` scope: every problem affects no consumer. A
 * lost data subject is refused whatever the scope.
 */
export function acceptedForConsumers(options: {
  eventType: Pick<EventType, 'compatibilityScope'>;
  result: CompatibilityCheck;
}): boolean {
  const { eventType, result } = options;
  if (result.compatible || eventType.compatibilityScope !== 'CONSUMERS') {
    return false;
  }
  const impact = result.impact;
  return (
    impact !== undefined &&
    result.problems.every(problem => problem.rule !== 'dataSubject') &&
    impact.affectingNobody.length === result.problems.length
  );
}

/** Time after the last keystroke before a draft is checked. */
export const DRAFT_CHECK_DELAY_MS = 400;

/** Where the check of a draft stands. */
export type DraftCheck =
  | { state: 'unchanged' }
  | { state: 'checking' }
  | { state: 'invalid'; message: string }
  | { state: 'checked'; result: CompatibilityCheck }
  | { state: 'failed'; error: Error; retry: () => void };

/**
 * Checks a draft schema as the user types: once typing pauses, the draft
 * is parsed here (a syntax or schema error needs no round trip), then the
 * registry says whether it could be the type's next version.
 */
export function useDraftCheck(options: {
  eventType: Pick<EventType, 'name' | 'format'>;
  draft: string;
  /** The latest version's schema: a draft equal to it needs no check. */
  latestSchema: string;
}): DraftCheck {
  const { eventType, draft, latestSchema } = options;
  const api = useApi(eventSchemasApiRef);
  const [settled, setSettled] = useState(draft);
  useDebounce(() => setSettled(draft), DRAFT_CHECK_DELAY_MS, [draft]);

  // Layout does not count: the draft starts as the latest, pretty-printed.
  const unchanged = prettySchema(settled) === prettySchema(latestSchema);
  const parseError = useMemo(() => {
    if (unchanged) return undefined;
    try {
      parseSchema({ format: eventType.format, schema: settled });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }, [eventType.format, settled, unchanged]);

  const check = useAsyncRetry(async () => {
    if (unchanged || parseError !== undefined) return undefined;
    return api.checkCompatibility(eventType.name, settled);
  }, [api, eventType.name, settled, unchanged, parseError]);

  if (draft !== settled) return { state: 'checking' };
  if (unchanged) return { state: 'unchanged' };
  if (parseError !== undefined)
    return { state: 'invalid', message: parseError };
  if (check.loading) return { state: 'checking' };
  if (check.error) {
    return { state: 'failed', error: check.error, retry: check.retry };
  }
  if (check.value) return { state: 'checked', result: check.value };
  return { state: 'checking' };
}
