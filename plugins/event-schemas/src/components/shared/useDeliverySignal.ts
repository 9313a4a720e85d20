import { useSignal } from '@backstage/plugin-signals-react';
import {
  DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
  DeliveryPartitionSignal,
} from '@data-collection/plugin-delivery-pipeline-common';
import { useEffect, useState } from 'react';

/**
 * The pipeline's last announcement of a partition change (delivered, late,
 * missing) of `eventType`, or of any type without one; a new object for
 * each message, to refetch on. The message says nothing but the type and
 * the partition: the caller refetches through the permission-checked API.
 *
 * `isSignalsAvailable` says whether the app has the signals API at all, so
 * that the caller can poll less often; polling stays as the fallback for
 * lost signals and a dropped connection.
 */
export function useDeliverySignal(eventType?: string): {
  signal: DeliveryPartitionSignal | undefined;
  isSignalsAvailable: boolean;
} {
  const { lastSignal, isSignalsAvailable } = useSignal<DeliveryPartitionSignal>(
    DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
  );
  const [signal, setSignal] = useState<DeliveryPartitionSignal>();
  useEffect(() => {
    if (!lastSignal) return;
    if (eventType !== undefined && lastSignal.eventType !== eventType) return;
    setSignal(lastSignal);
  }, [lastSignal, eventType]);
  return { signal, isSignalsAvailable };
}
