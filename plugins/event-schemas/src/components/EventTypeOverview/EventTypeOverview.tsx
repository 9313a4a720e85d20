import { EmptyState, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  EventType,
  listFields,
} from '@data-collection/plugin-event-schemas-common';
import Grid from '@material-ui/core/Grid';
import { useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../api';
import { LoadError } from '../shared';
import { DetailsCard } from './details/DetailsCard';
import { EditDetailsDialog } from './details/EditDetailsDialog';
import { ExampleEventCard } from './example/ExampleEventCard';
import { SchemaCard } from './schema/SchemaCard';

/**
 * An event type's overview: its details (editable by its owners), the
 * latest schema as a field tree, and an example event with how to send it.
 */
export const EventTypeOverview = (props: {
  eventType: EventType;
  /** Called after the details changed, so the caller can reload the type. */
  onChange?: () => void;
}) => {
  const { onChange } = props;
  const api = useApi(eventSchemasApiRef);
  const alertApi = useApi(alertApiRef);
  const [editing, setEditing] = useState(false);
  // What the registry answered to an edit, shown until the caller's reload
  // (if any) brings a new eventType.
  const [saved, setSaved] = useState<EventType>();
  useEffect(() => setSaved(undefined), [props.eventType]);
  const eventType = saved ?? props.eventType;

  const versions = useAsyncRetry(
    () => api.listVersions(eventType.name),
    [api, eventType.name, eventType.latestVersion],
  );
  const latest = versions.value?.[versions.value.length - 1];
  const fields = useMemo(() => {
    if (!latest) return undefined;
    try {
      return listFields({ format: eventType.format, schema: latest.schema });
    } catch {
      return undefined;
    }
  }, [eventType.format, latest]);

  let schema;
  if (versions.loading && !versions.value) {
    schema = <Progress />;
  } else if (versions.error) {
    schema = (
      <LoadError
        title={`Could not load the schema of ${eventType.name}`}
        error={versions.error}
        onRetry={versions.retry}
      />
    );
  } else if (!latest) {
    schema = (
      <EmptyState
        missing="data"
        title="No versions yet"
        description="This event type has no registered schema version."
      />
    );
  }

  return (
    <>
      <Grid container spacing={3} alignItems="stretch">
        <Grid item xs={12} md={4}>
          <DetailsCard
            eventType={eventType}
            onEdit={() => setEditing(true)}
            onLifecycleChange={updated => {
              setSaved(updated);
              onChange?.();
            }}
          />
        </Grid>
        <Grid item xs={12} md={8}>
          {schema ??
            (latest && <SchemaCard eventType={eventType} version={latest} />)}
        </Grid>
        {latest && !schema && (
          <Grid item xs={12}>
            <ExampleEventCard eventType={eventType} version={latest} />
          </Grid>
        )}
      </Grid>
      <EditDetailsDialog
        open={editing}
        eventType={eventType}
        fields={fields}
        onClose={() => setEditing(false)}
        onSaved={updated => {
          setEditing(false);
          setSaved(updated);
          alertApi.post({
            message: `Saved the details of ${updated.name}`,
            severity: 'success',
            display: 'transient',
          });
          onChange?.();
        }}
      />
    </>
  );
};
