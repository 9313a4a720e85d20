import { useApi } from '@backstage/core-plugin-api';
import { FailedEvent } from '@data-collection/plugin-delivery-pipeline-common';
import { useEffect, useRef, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef } from '../../api';
import { DeliveryWindow } from './range';

/**
 * How many failed events a page holds: a screenful, since the reasons
 * repeat; "Load more" gets the next page.
 */
export const FAILED_EVENTS_PAGE = 20;

/**
 * The failed events of a type in a window, newest first, a page at a time;
 * replayed ones included, so the table can say they were.
 */
export function useFailedEvents(eventType: string, range: DeliveryWindow) {
  const api = useApi(deliveryPipelineApiRef);
  const from = range.from.getTime();
  const to = range.to.getTime();

  const first = useAsyncRetry(
    () =>
      api.listFailedEvents({
        eventType,
        from: new Date(from),
        to: new Date(to),
        includeReplayed: true,
        limit: FAILED_EVENTS_PAGE,
      }),
    [api, eventType, from, to],
  );

  // Pages after the first, dropped whenever the first page is reloaded.
  const [more, setMore] = useState<{
    items: FailedEvent[];
    nextCursor?: string;
  }>();
  const firstPage = useRef(first.value);
  useEffect(() => {
    firstPage.current = first.value;
    setMore(undefined);
  }, [first.value]);

  const nextCursor = more ? more.nextCursor : first.value?.nextCursor;
  const [loadMoreState, loadMore] = useAsyncFn(async () => {
    if (!nextCursor) return;
    const startedWith = firstPage.current;
    const page = await api.listFailedEvents({
      eventType,
      from: new Date(from),
      to: new Date(to),
      includeReplayed: true,
      limit: FAILED_EVENTS_PAGE,
      cursor: nextCursor,
    });
    // A reload while this page loaded made the cursor stale.
    if (firstPage.current !== startedWith) return;
    setMore(previous => ({
      items: [...(previous?.items ?? []), ...page.items],
      nextCursor: page.nextCursor,
    }));
  }, [api, nextCursor, eventType, from, to]);

  return {
    items: first.value
      ? [...first.value.items, ...(more?.items ?? [])]
      : undefined,
    loading: first.loading,
    error: first.error,
    retry: first.retry,
    hasMore: nextCursor !== undefined,
    loadMore,
    loadingMore: loadMoreState.loading,
    loadMoreError: loadMoreState.error,
  };
}
