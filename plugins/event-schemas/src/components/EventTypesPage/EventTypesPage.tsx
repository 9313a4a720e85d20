import {
  Content,
  EmptyState,
  LinkButton,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef, eventSchemasApiRef } from '../../api';
import { useEventSchemasLinks } from '../../routes';
import { PartialLoadWarning, EventSchemasLayout, LoadError } from '../shared';
import { EventTypeFilterBar, filterOptions } from './EventTypeFilterBar';
import { eventTypeRows, matchesFilters } from './eventTypeRows';
import { EventTypesTable } from './EventTypesTable';
import { useEventTypeFilters } from './useEventTypeFilters';

const HeaderActions = () => {
  const links = useEventSchemasLinks();
  if (!links) return null;
  return (
    <Box display="flex" gridGap={8}>
      <LinkButton variant="contained" color="primary" to={links.register()}>
        Register event type
      </LinkButton>
      <LinkButton
        variant="outlined"
        color="inherit"
        to={links.deliveryOverview()}
      >
        Delivery overview
      </LinkButton>
      <LinkButton variant="outlined" color="inherit" to={links.dataSubjects()}>
        Data subjects
      </LinkButton>
    </Box>
  );
};

/**
 * The plugin's front page: every registered event type with its owner,
 * schema and how its delivery went in the last 24 hours. The registry is
 * the source of the rows; without the pipeline's health they still show.
 */
export const EventTypesPage = () => {
  const registry = useApi(eventSchemasApiRef);
  const pipeline = useApi(deliveryPipelineApiRef);
  const links = useEventSchemasLinks();
  const { filters, setFilter, clearFilters } = useEventTypeFilters();

  const eventTypes = useAsyncRetry(() => registry.listEventTypes(), [registry]);
  const health = useAsyncRetry(
    async () => (await pipeline.listHealth()).items,
    [pipeline],
  );

  const rows = useMemo(
    () =>
      eventTypes.value &&
      eventTypeRows(eventTypes.value, health.error ? undefined : health.value),
    [eventTypes.value, health.value, health.error],
  );
  const options = useMemo(
    () => filterOptions(eventTypes.value ?? []),
    [eventTypes.value],
  );
  const shown = useMemo(
    () => rows?.filter(row => matchesFilters(row, filters)),
    [rows, filters],
  );

  // The health settles before the table shows, so the delivery columns do
  // not fill in under the user's eyes.
  const settling =
    (eventTypes.loading && !eventTypes.value) ||
    (health.loading && !health.value && !health.error);

  let body;
  if (eventTypes.error && !settling) {
    body = (
      <LoadError
        title="Could not load the event types"
        error={eventTypes.error}
        onRetry={eventTypes.retry}
      />
    );
  } else if (settling || !rows || !shown) {
    body = <Progress />;
  } else if (rows.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No event types registered yet"
        description="An event type is a named kind of event with a schema and an owner; once it is registered, producers can send it and its events are delivered every hour."
        action={
          links && (
            <LinkButton
              variant="contained"
              color="primary"
              to={links.register()}
            >
              Register the first event type
            </LinkButton>
          )
        }
      />
    );
  } else {
    body = (
      <>
        {health.error && (
          <Box mb={2}>
            <PartialLoadWarning
              title="Could not load delivery health: the delivery columns are empty"
              error={health.error}
              onRetry={health.retry}
            />
          </Box>
        )}
        <EventTypeFilterBar
          filters={filters}
          options={options}
          onChange={setFilter}
          onClear={clearFilters}
          deliveryKnown={!health.error && health.value !== undefined}
          deliveryFailed={Boolean(health.error)}
        />
        <EventTypesTable
          title={
            shown.length === rows.length
              ? `Event types (${rows.length})`
              : `Event types (${shown.length} of ${rows.length})`
          }
          rows={shown}
          emptyContent={
            <Box p={3} textAlign="center">
              No event types match these filters.{' '}
              <Button color="primary" onClick={clearFilters}>
                Clear filters
              </Button>
            </Box>
          }
        />
      </>
    );
  }

  return (
    <EventSchemasLayout
      root
      title="Event types"
      subtitle="Every event type collected: its schema, owner and delivery"
      actions={<HeaderActions />}
    >
      <Content>{body}</Content>
    </EventSchemasLayout>
  );
};
