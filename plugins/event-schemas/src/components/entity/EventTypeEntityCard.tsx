import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../api';
import { lineageRefs } from '../EventTypeLineage/lineageRefs';
import { Fact, Facts, formatMs, Timestamp } from '../shared';
import { CardLoadError } from './CardLoadError';
import { Freshness, SlaCompliance } from './DeliveryStatus';
import { EventTypeLinks } from './EventTypeLinks';
import { eventTypeOfEntity } from './filters';
import { NotAnEventType } from './NotAnEventType';
import { useEventTypeHealth } from './useEventTypeHealth';

const Lifecycle = ({ eventType }: { eventType: EventType }) => {
  const { deprecation } = eventType;
  if (!deprecation) return <>{eventType.lifecycle}</>;
  const { successor } = deprecation;
  return (
    <>
      deprecated: {deprecation.reason}
      {successor && (
        <>
          {' '}
          (use{' '}
          <EntityRefLink entityRef={lineageRefs(successor).api}>
            {successor}
          </EntityRefLink>
          )
        </>
      )}
    </>
  );
};

const DeliveryHealth = ({ eventType }: { eventType: string }) => {
  const {
    value: health,
    loading,
    error,
    retry,
  } = useEventTypeHealth(eventType);
  if (error && !loading) {
    return (
      <Fact label="Delivery">
        <CardLoadError
          title="Could not load delivery health"
          error={error}
          onRetry={retry}
        />
      </Fact>
    );
  }
  if (!health) {
    return (
      <Fact label="Delivery">
        <Progress />
      </Fact>
    );
  }
  return (
    <>
      <Fact label="SLA (24 h)">
        <SlaCompliance health={health} />
      </Fact>
      <Fact label="Last delivered">
        <Freshness health={health} />
      </Fact>
      <Fact label="p95 lateness">
        {formatMs(health.latenessMs.p95)} (SLA{' '}
        {formatMs(health.sla.maxLatenessMs)})
      </Fact>
    </>
  );
};

const EventTypeFacts = ({ name }: { name: string }) => {
  const api = useApi(eventSchemasApiRef);
  const {
    value: eventType,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.getEventType(name), [api, name]);

  if (error && !loading) {
    return (
      <CardLoadError
        title={`Could not load ${name} from the registry`}
        error={error}
        onRetry={retry}
      />
    );
  }
  if (!eventType) return <Progress />;
  return (
    <Facts>
      <Fact label="Latest version">v{eventType.latestVersion}</Fact>
      <Fact label="Format">{eventType.format}</Fact>
      <Fact label="Compatibility">{eventType.compatibility}</Fact>
      <Fact label="Owner">
        <EntityRefLink entityRef={eventType.owner} defaultKind="group" />
      </Fact>
      <Fact label="Lifecycle">
        <Lifecycle eventType={eventType} />
      </Fact>
      <Fact label="Updated">
        <Timestamp value={eventType.updatedAt} />
      </Fact>
      <DeliveryHealth eventType={name} />
    </Facts>
  );
};

/**
 * The overview card of an event type's `API` entity: its registry facts
 * and how its delivery went over the last 24 hours.
 */
export const EventTypeEntityCard = () => {
  const { entity } = useEntity();
  const name = eventTypeOfEntity(entity);
  return (
    <InfoCard
      title="Event type"
      subheader={name}
      actions={name && <EventTypeLinks eventType={name} />}
    >
      {name ? <EventTypeFacts name={name} /> : <NotAnEventType />}
    </InfoCard>
  );
};
