import {
  Content,
  EmptyState,
  LinkButton,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import { useEffect, useMemo, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef, eventSchemasApiRef } from '../../api';
import { useEventSchemasLinks } from '../../routes';
import {
  EventSchemasLayout,
  LoadError,
  PartialLoadWarning,
  useDeliverySignal,
} from '../shared';
import { DeliverySummary } from './DeliverySummary';
import { DeliveryTable } from './DeliveryTable';
import { deliveryRows } from './deliveryRows';

const DAY_MS = 86_400_000;

/** Health over the last day and the last week, ending at the same moment. */
function useHealth() {
  const pipeline = useApi(deliveryPipelineApiRef);
  return useAsyncRetry(async () => {
    const to = new Date();
    const [day, week] = await Promise.all([
      pipeline.listHealth({ from: new Date(to.getTime() - DAY_MS), to }),
      pipeline.listHealth({ from: new Date(to.getTime() - 7 * DAY_MS), to }),
    ]);
    return { day: day.items, week: week.items };
  }, [pipeline]);
}

/**
 * The fewest milliseconds between two reloads on signals: with many types, a
 * partition of one of them is delivered every few seconds, and each reload
 * reads every type's health twice.
 */
const SIGNAL_RELOAD_MS = 30_000;

/**
 * Calls `reload` when the pipeline signals a partition change of any type,
 * at most once per {@link SIGNAL_RELOAD_MS}; signals in between are taken
 * up by one reload at the end of the wait.
 */
function useReloadOnSignals(reload: () => void) {
  const { signal } = useDeliverySignal();
  const latest = useRef(reload);
  latest.current = reload;
  const lastReload = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    if (!signal || pending.current) return;
    const wait = Math.max(
      0,
      lastReload.current + SIGNAL_RELOAD_MS - Date.now(),
    );
    pending.current = setTimeout(() => {
      pending.current = undefined;
      lastReload.current = Date.now();
      latest.current();
    }, wait);
  }, [signal]);
  useEffect(() => () => clearTimeout(pending.current), []);
}

/**
 * `<root>/delivery`, for the platform team: every event type's SLA
 * compliance and backlog, worst first. The pipeline is the source; the
 * registry adds owners and the types that sent nothing yet.
 */
export const DeliveryOverviewPage = () => {
  const registry = useApi(eventSchemasApiRef);
  const links = useEventSchemasLinks();
  const health = useHealth();
  // Live: reloaded when partitions are delivered, late or missing, through
  // the permission-checked API (the signal says only which type changed).
  useReloadOnSignals(health.retry);
  const eventTypes = useAsyncRetry(() => registry.listEventTypes(), [registry]);

  const rows = useMemo(
    () =>
      health.value &&
      deliveryRows({ ...health.value, eventTypes: eventTypes.value }),
    [health.value, eventTypes.value],
  );

  // Both loads settle before the table shows, so rows do not jump when
  // the registry's answer adds owners and types without events.
  const settling =
    (health.loading && !health.value) ||
    (eventTypes.loading && !eventTypes.value && !eventTypes.error);

  let body;
  if (health.error && !settling) {
    body = (
      <LoadError
        title="Could not load the delivery health"
        error={health.error}
        onRetry={health.retry}
      />
    );
  } else if (settling || !health.value || !rows) {
    body = <Progress />;
  } else if (health.value.day.length + health.value.week.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No partitions yet: events appear here once producers send them"
        description="Each event type's delivery shows up once the pipeline has received its first events."
        action={
          links && (
            <LinkButton
              variant="contained"
              color="primary"
              to={links.eventTypes()}
            >
              All event types
            </LinkButton>
          )
        }
      />
    );
  } else {
    body = (
      <>
        {eventTypes.error && (
          <Box mb={3}>
            <PartialLoadWarning
              title="Could not load the event types: owners, and the types that sent no events, are missing"
              error={eventTypes.error}
              onRetry={eventTypes.retry}
            />
          </Box>
        )}
        <Box mb={3}>
          <DeliverySummary day={health.value.day} week={health.value.week} />
        </Box>
        <DeliveryTable rows={rows} />
      </>
    );
  }

  return (
    <EventSchemasLayout
      title="Delivery overview"
      subtitle="SLA compliance and backlog of every event type, worst first"
    >
      <Content>{body}</Content>
    </EventSchemasLayout>
  );
};
