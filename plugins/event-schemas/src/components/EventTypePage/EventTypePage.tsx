import {
  Content,
  EmptyState,
  HeaderLabel,
  HeaderTabs,
  Link,
  LinkButton,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Navigate, useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../api';
import {
  EVENT_TYPE_TABS,
  EventTypeTab,
  useEventSchemasLinks,
} from '../../routes';
import { EventTypeDelivery } from '../EventTypeDelivery';
import { EventTypeLineage } from '../EventTypeLineage';
import { ManagedTypeNotice } from '../ManagedTypeNotice';
import { EventTypeOverview } from '../EventTypeOverview';
import { EventTypeVersions } from '../EventTypeVersions';
import { EventSchemasLayout, isNotFound, LoadError } from '../shared';

const TAB_LABELS: Record<EventTypeTab, string> = {
  overview: 'Overview',
  versions: 'Versions',
  delivery: 'Delivery',
  lineage: 'Lineage',
};

/** One event type, `<root>/<name>/<tab>`: its schema, versions, delivery, lineage. */
export const EventTypePage = () => {
  const { name = '', tab = 'overview' } = useParams();
  const api = useApi(eventSchemasApiRef);
  const links = useEventSchemasLinks();
  const {
    value: eventType,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.getEventType(name), [api, name]);

  if (!EVENT_TYPE_TABS.includes(tab as EventTypeTab)) {
    return <Navigate to="../overview" relative="path" replace />;
  }
  const selected = EVENT_TYPE_TABS.indexOf(tab as EventTypeTab);

  let body;
  if (loading && !eventType) {
    body = <Progress />;
  } else if (error && isNotFound(error)) {
    body = (
      <EmptyState
        missing="content"
        title={`No event type named ${name}`}
        description="It may have been deleted, or the link has a typo."
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
  } else if (error) {
    body = (
      <LoadError
        title={`Could not load event type ${name}`}
        error={error}
        onRetry={retry}
      />
    );
  } else if (eventType) {
    body = (
      <>
        <ManagedTypeNotice eventType={eventType} />
        {tab === 'overview' && (
          <EventTypeOverview eventType={eventType} onChange={retry} />
        )}
        {tab === 'versions' && (
          <EventTypeVersions eventType={eventType} onChange={retry} />
        )}
        {tab === 'delivery' && (
          <EventTypeDelivery
            eventType={eventType.name}
            registeredAt={eventType.createdAt}
          />
        )}
        {tab === 'lineage' && <EventTypeLineage eventType={eventType} />}
      </>
    );
  }

  return (
    <EventSchemasLayout
      title={name}
      subtitle={eventType?.title ?? eventType?.description?.split('\n')[0]}
      actions={
        eventType && (
          <>
            <HeaderLabel
              label="Owner"
              value={
                // The header's own colour: a link's blue is unreadable on it.
                <EntityRefLink
                  entityRef={eventType.owner}
                  defaultKind="group"
                  color="inherit"
                />
              }
            />
            <HeaderLabel label="Lifecycle" value={eventType.lifecycle} />
            <HeaderLabel
              label="Latest version"
              value={`v${eventType.latestVersion}`}
            />
          </>
        )
      }
    >
      {/* Tabs are links: each tab has its own URL, opens in a new tab, and
          survives a reload. */}
      <HeaderTabs
        selectedIndex={selected}
        tabs={EVENT_TYPE_TABS.map(id => ({
          id,
          label: TAB_LABELS[id],
          tabProps: links && {
            component: Link,
            to: links.eventType(name, id),
          },
        }))}
      />
      <Content>{body}</Content>
    </EventSchemasLayout>
  );
};
