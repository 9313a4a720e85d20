import { InfoCard, Progress } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { lineageRefs } from '../EventTypeLineage/lineageRefs';
import { Fact, Facts, formatIsoDuration } from '../shared';
import { CardLoadError } from './CardLoadError';
import {
  DatasetAnnotations,
  readDatasetAnnotations,
} from './datasetAnnotations';
import { DatasetLocation } from './DatasetLocation';
import { Freshness } from './DeliveryStatus';
import { EventTypeLinks } from './EventTypeLinks';
import { NotAnEventType } from './NotAnEventType';
import { useEventTypeHealth } from './useEventTypeHealth';

/** Which fields are personal and how the files hold them. */
const PersonalDataFact = (props: { annotations: DatasetAnnotations }) => {
  const { personalDataFields, dataSubject } = props.annotations;
  const sealed = personalDataFields.filter(field => field !== dataSubject);
  return (
    <>
      {sealed.length > 0 && (
        <>
          <code>{sealed.join(', ')}</code> encrypted with a key per person
          {dataSubject ? '; ' : ''}
        </>
      )}
      {dataSubject && (
        <>
          <code>{dataSubject}</code> holds the person&apos;s pseudonym
        </>
      )}
      . Readable in clear by the event type&apos;s owners and the data platform
      admins (the decrypt API); erasing a person erases them here.
    </>
  );
};

const DatasetFacts = (props: {
  eventType: string;
  annotations: DatasetAnnotations;
}) => {
  const { eventType, annotations } = props;
  const {
    value: health,
    loading,
    error,
    retry,
  } = useEventTypeHealth(eventType);

  let freshness;
  if (error && !loading) {
    freshness = (
      <CardLoadError
        title="Could not load freshness"
        error={error}
        onRetry={retry}
      />
    );
  } else if (!health) {
    freshness = <Progress />;
  } else {
    freshness = <Freshness health={health} />;
  }

  return (
    <Facts>
      <Fact label="Event type">
        <EntityRefLink entityRef={lineageRefs(eventType).api}>
          {eventType}
        </EntityRefLink>
      </Fact>
      <Fact label="Freshness">{freshness}</Fact>
      <Fact label="SLA">
        each partition delivered within{' '}
        {formatIsoDuration(annotations.slaMaxLateness)} of its end
      </Fact>
      <Fact label="Retention">
        raw {formatIsoDuration(annotations.rawRetention)}, delivered{' '}
        {formatIsoDuration(annotations.deliveredRetention)}
      </Fact>
      <Fact label="Location">
        <DatasetLocation
          location={annotations.location}
          lastDelivered={health?.lastDelivered}
        />
      </Fact>
      {annotations.personalDataFields.length > 0 && (
        <Fact label="Personal data">
          <PersonalDataFact annotations={annotations} />
        </Fact>
      )}
    </Facts>
  );
};

/**
 * The overview card of a dataset `Resource`: how fresh it is, its service
 * level and retention, and where to read it.
 */
export const DatasetEntityCard = () => {
  const { entity } = useEntity();
  const annotations = readDatasetAnnotations(entity);
  const { eventType } = annotations;
  return (
    <InfoCard
      title="Dataset"
      subheader={eventType && `The delivered ${eventType} events`}
      actions={eventType && <EventTypeLinks eventType={eventType} />}
    >
      {eventType ? (
        <DatasetFacts eventType={eventType} annotations={annotations} />
      ) : (
        <NotAnEventType />
      )}
    </InfoCard>
  );
};
