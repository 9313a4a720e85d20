import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  EventType,
  eventTypeEntityName,
} from '@internal/plugin-event-schemas-common';
import Button from '@material-ui/core/Button';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../api';

const columns: TableColumn<EventType>[] = [
  {
    title: 'Name',
    field: 'name',
    highlight: true,
    // The name opens the type's API entity (made by the catalog module).
    render: row => (
      <>
        <EntityRefLink
          entityRef={{
            kind: 'API',
            namespace: 'default',
            name: eventTypeEntityName(row.name),
          }}
          title={row.name}
        />
        {row.title && <div style={{ opacity: 0.7 }}>{row.title}</div>}
      </>
    ),
  },
  { title: 'Owner', field: 'owner' },
  { title: 'Format', field: 'format' },
  { title: 'Compatibility', field: 'compatibility' },
  { title: 'Lifecycle', field: 'lifecycle' },
  {
    title: 'Latest version',
    field: 'latestVersion',
    type: 'numeric',
    render: row => (row.latestVersion ? `v${row.latestVersion}` : '-'),
  },
];

/** Every registered event type, searchable and sortable. */
export const EventTypesTable = () => {
  const api = useApi(eventSchemasApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listEventTypes(),
    [api],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <>
        <ResponseErrorPanel
          title="Could not load the event types"
          error={error}
        />
        <Button variant="outlined" color="primary" onClick={retry}>
          Retry
        </Button>
      </>
    );
  }
  if (!value || value.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No event types registered yet"
        description="Event types appear here once a producer registers them, with their first schema, in the schema registry."
      />
    );
  }
  return (
    <Table<EventType>
      title={`Event types (${value.length})`}
      options={{ search: true, paging: value.length > 20, pageSize: 20 }}
      columns={columns}
      data={value}
    />
  );
};
