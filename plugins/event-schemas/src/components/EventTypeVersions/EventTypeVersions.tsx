import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../api';
import { LoadError } from '../shared';
import { VersionsTable } from './VersionsTable';
import { VersionDiff } from './diff/VersionDiff';
import { DraftCheck } from './draft/DraftCheck';

/**
 * An event type's versions: the list, a diff of any two, and a draft of the
 * next one checked (and registered, by owners) against the type's mode.
 */
export const EventTypeVersions = (props: {
  eventType: EventType;
  /** Called after a version was registered, so the caller can reload the type. */
  onChange?: () => void;
}) => {
  const { eventType, onChange } = props;
  const api = useApi(eventSchemasApiRef);
  const {
    value: versions,
    loading,
    error,
    retry,
  } = useAsyncRetry(
    () => api.listVersions(eventType.name),
    [api, eventType.name, eventType.latestVersion],
  );

  if (loading && !versions) return <Progress />;
  if (error) {
    return (
      <LoadError
        title={`Could not load the versions of ${eventType.name}`}
        error={error}
        onRetry={retry}
      />
    );
  }
  if (!versions || versions.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No versions yet"
        description="This event type has no registered schema version."
      />
    );
  }
  const latest = versions[versions.length - 1];
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <VersionsTable eventType={eventType} versions={versions} />
      </Grid>
      <Grid item xs={12}>
        <VersionDiff versions={versions} />
      </Grid>
      <Grid item xs={12}>
        <DraftCheck
          eventType={eventType}
          latest={latest}
          onRegistered={() => {
            retry();
            onChange?.();
          }}
        />
      </Grid>
    </Grid>
  );
};
