import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { eventSchemasApiRef } from '../../api';
import { EventTypeDelivery } from '../EventTypeDelivery';
import { DatasetEntityCard } from './DatasetEntityCard';
import { readDatasetAnnotations } from './datasetAnnotations';
import { NotAnEventType } from './NotAnEventType';
import { RetentionDeletions } from './RetentionDeletions';

/**
 * The "Delivery" tab of a dataset `Resource`: its facts, the delivery of
 * its partitions, and what retention deleted.
 */
export const DatasetEntityContent = () => {
  const { entity } = useEntity();
  const annotations = readDatasetAnnotations(entity);
  const { eventType } = annotations;
  const api = useApi(eventSchemasApiRef);
  // Only for where the heatmap starts; without it (the registry does not
  // answer) the tab still shows everything else.
  const { value: registered } = useAsync(
    async () => (eventType ? api.getEventType(eventType) : undefined),
    [api, eventType],
  );
  if (!eventType) return <NotAnEventType />;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <DatasetEntityCard />
      </Grid>
      <Grid item xs={12}>
        <EventTypeDelivery
          eventType={eventType}
          registeredAt={registered?.createdAt}
        />
      </Grid>
      <Grid item xs={12}>
        <RetentionDeletions
          eventType={eventType}
          rawRetention={annotations.rawRetention}
          deliveredRetention={annotations.deliveredRetention}
        />
      </Grid>
    </Grid>
  );
};
