import { useApi } from '@backstage/core-plugin-api';
import { RetentionDeletion } from '@data-collection/plugin-delivery-pipeline-common';
import { useCallback, useEffect, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef } from '../../api';

const PAGE_SIZE = 50;

/** What retention deleted of a type, newest first, a page at a time. */
export function useRetentionDeletions(eventType: string) {
  const api = useApi(deliveryPipelineApiRef);
  const first = useAsyncRetry(
    () => api.listRetentionDeletions({ eventType, limit: PAGE_SIZE }),
    [api, eventType],
  );
  const [older, setOlder] = useState<{
    items: RetentionDeletion[];
    nextCursor?: string;
  }>();
  // A reload starts again from the newest page.
  useEffect(() => setOlder(undefined), [first.value]);

  const nextCursor = older ? older.nextCursor : first.value?.nextCursor;
  const [more, loadMore] = useAsyncFn(async () => {
    const page = await api.listRetentionDeletions({
      eventType,
      limit: PAGE_SIZE,
      cursor: nextCursor,
    });
    setOlder(previous => ({
      items: [...(previous?.items ?? []), ...page.items],
      nextCursor: page.nextCursor,
    }));
  }, [api, eventType, nextCursor]);

  const { retry } = first;
  const reload = useCallback(() => retry(), [retry]);

  return {
    items: first.value && [...first.value.items, ...(older?.items ?? [])],
    loading: first.loading,
    error: first.error,
    retry: reload,
    hasMore: Boolean(nextCursor),
    loadMore,
    loadingMore: more.loading,
    loadMoreError: more.error,
  };
}
