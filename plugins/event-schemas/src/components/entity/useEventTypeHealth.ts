import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef } from '../../api';

/** A type's delivery health over the last 24 hours (the pipeline's default). */
export function useEventTypeHealth(eventType: string) {
  const api = useApi(deliveryPipelineApiRef);
  return useAsyncRetry(() => api.getHealth(eventType), [api, eventType]);
}
