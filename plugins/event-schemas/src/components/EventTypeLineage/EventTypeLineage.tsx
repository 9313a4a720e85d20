import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import { LoadError } from '../shared';
import { LineageGraph } from './LineageGraph';
import { LineageList } from './LineageList';
import { useLineage } from './useLineage';

/**
 * An event type's lineage, `<root>/<name>/lineage`: producer -> event type
 * -> dataset -> consumers, from the catalog's relations.
 */
export const EventTypeLineage = ({ eventType }: { eventType: EventType }) => {
  const { value: lineage, loading, error, retry } = useLineage(eventType.name);

  if (loading && !lineage) return <Progress />;
  if (error) {
    return (
      <LoadError
        title="Could not load the lineage from the catalog"
        error={error}
        onRetry={retry}
      />
    );
  }
  if (!lineage) return null;
  if (!lineage.inCatalog) {
    return (
      <EmptyState
        missing="info"
        title={`${lineage.apiRef} is not in the catalog yet`}
        description="The registry's catalog module adds every event type to the catalog, usually within seconds of registering it."
        action={
          <Button
            variant="outlined"
            color="primary"
            onClick={retry}
            disabled={loading}
          >
            Check again
          </Button>
        }
      />
    );
  }
  return (
    // The graph gets the whole width: it scales to fit it, and a lineage is
    // a wide, flat chain whose labels are unreadable at half a page.
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Lineage graph">
          <LineageGraph refs={lineage} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Lineage">
          <LineageList lineage={lineage} />
        </InfoCard>
      </Grid>
    </Grid>
  );
};
