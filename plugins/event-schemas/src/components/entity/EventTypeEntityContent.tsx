import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../api';
import { EventTypeDelivery } from '../EventTypeDelivery';
import { EventTypeOverview } from '../EventTypeOverview';
import { EventTypeVersions } from '../EventTypeVersions';
import { isNotFound, LoadError, useSearchParam } from '../shared';
import { eventTypeOfEntity } from './filters';
import { NotAnEventType } from './NotAnEventType';

const VIEWS = ['overview', 'versions', 'delivery'] as const;
type View = (typeof VIEWS)[number];

const VIEW_LABELS: Record<View, string> = {
  overview: 'Overview',
  versions: 'Versions',
  delivery: 'Delivery',
};

const tabId = (view: View) => `event-type-view-${view}`;
const panelId = (view: View) => `event-type-view-${view}-panel`;

const EventTypeViews = ({ name }: { name: string }) => {
  const api = useApi(eventSchemasApiRef);
  // In the URL, so that a reload or a shared link opens the same view.
  const [viewParam, setView] = useSearchParam('view', 'overview');
  const view: View = VIEWS.includes(viewParam as View)
    ? (viewParam as View)
    : 'overview';
  const {
    value: eventType,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.getEventType(name), [api, name]);

  if (error && !loading && isNotFound(error)) {
    return (
      <EmptyState
        missing="info"
        title={`The registry has no event type named ${name}`}
        description="It was probably deleted; the catalog drops its entity at the next sync."
      />
    );
  }
  if (error && !loading) {
    return (
      <LoadError
        title={`Could not load event type ${name}`}
        error={error}
        onRetry={retry}
      />
    );
  }
  if (!eventType) return <Progress />;

  return (
    <>
      <Tabs
        value={view}
        onChange={(_event, next: View) => setView(next)}
        indicatorColor="primary"
        textColor="primary"
        aria-label={`Views of ${name}`}
      >
        {VIEWS.map(id => (
          <Tab
            key={id}
            value={id}
            label={VIEW_LABELS[id]}
            id={tabId(id)}
            aria-controls={panelId(id)}
          />
        ))}
      </Tabs>
      <Box
        role="tabpanel"
        id={panelId(view)}
        aria-labelledby={tabId(view)}
        pt={2}
      >
        {view === 'overview' && (
          <EventTypeOverview eventType={eventType} onChange={retry} />
        )}
        {view === 'versions' && (
          <EventTypeVersions eventType={eventType} onChange={retry} />
        )}
        {view === 'delivery' && (
          <EventTypeDelivery
            eventType={name}
            registeredAt={eventType.createdAt}
          />
        )}
      </Box>
    </>
  );
};

/**
 * The "Event type" tab of an event type's `API` entity: the plugin's
 * overview, versions and delivery of the type, without leaving the catalog.
 */
export const EventTypeEntityContent = () => {
  const { entity } = useEntity();
  const name = eventTypeOfEntity(entity);
  return name ? <EventTypeViews name={name} /> : <NotAnEventType />;
};
