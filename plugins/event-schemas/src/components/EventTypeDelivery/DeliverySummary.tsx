import { EmptyState, Progress } from '@backstage/core-components';
import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import {
  formatCount,
  formatPercent,
  formatMs,
  isNotFound,
  LoadError,
  Timestamp,
} from '../shared';

const useStyles = makeStyles(theme => ({
  list: { margin: 0 },
  term: {
    ...theme.typography.overline,
    color: theme.palette.text.secondary,
    lineHeight: 1.5,
  },
  value: {
    ...theme.typography.h6,
    margin: 0,
  },
  note: {
    ...theme.typography.body2,
    color: theme.palette.text.secondary,
    margin: 0,
  },
}));

const Stat = (props: { term: string; value: ReactNode; note?: ReactNode }) => {
  const classes = useStyles();
  return (
    <Grid item xs={12} sm={6} md={4} lg={3}>
      <dt className={classes.term}>{props.term}</dt>
      <dd className={classes.value}>{props.value}</dd>
      {props.note && <dd className={classes.note}>{props.note}</dd>}
    </Grid>
  );
};

/** The health numbers of a type over the range. */
export const HealthNumbers = (props: { health: EventTypeHealth }) => {
  const classes = useStyles();
  const { health } = props;
  const { slaCompliance, latenessMs, volume, partitions } = health;
  return (
    <Grid container spacing={3} component="dl" className={classes.list}>
      <Stat
        term="SLA compliance"
        value={formatPercent(slaCompliance.compliance)}
        note={
          slaCompliance.due === 0
            ? 'No partition was due in this range'
            : `${formatCount(slaCompliance.met)} of ${formatCount(
                slaCompliance.due,
              )} partitions due met the SLA`
        }
      />
      <Stat
        term="SLA"
        value={`${formatMs(health.sla.maxLatenessMs)} at most`}
        note={
          health.sla.source === 'registry'
            ? 'Set by the event type'
            : 'The default: the event type sets none'
        }
      />
      <Stat
        term="Lateness p50 / p95 / max"
        value={`${formatMs(latenessMs.p50)} / ${formatMs(
          latenessMs.p95,
        )} / ${formatMs(latenessMs.max)}`}
        note="Delivery time after the end of the partition"
      />
      <Stat
        term="Last delivered"
        value={<Timestamp value={health.lastDelivered?.deliveredAt} />}
        note={
          health.lastDelivered ? (
            <>
              The partition from{' '}
              <Timestamp value={health.lastDelivered.start} />
            </>
          ) : (
            'Nothing delivered yet'
          )
        }
      />
      <Stat
        term="Volume"
        value={`${formatCount(volume.received)} received`}
        note={`${formatCount(volume.delivered)} delivered`}
      />
      <Stat
        term="Duplicate rate"
        value={formatPercent(health.duplicateRate)}
        note={`${formatCount(
          volume.duplicates + volume.conflicts,
        )} duplicates and conflicts dropped`}
      />
      <Stat
        term="Failed event rate"
        value={formatPercent(health.failedRate)}
        note={`${formatCount(volume.failed)} failed events, rejected by ingest`}
      />
      <Stat
        term="Partitions"
        value={`${formatCount(partitions.delivered)} delivered${
          partitions.empty ? ` (${formatCount(partitions.empty)} empty)` : ''
        }`}
        note={`${formatCount(partitions.open)} open · ${formatCount(
          partitions.closed,
        )} closed · ${formatCount(partitions.expired)} expired${
          // No partition where one is due: the pipeline lost it, an alarm.
          partitions.missing
            ? ` · ${formatCount(partitions.missing)} missing`
            : ''
        }`}
      />
    </Grid>
  );
};

/** The health section: its numbers, or why there are none. */
export const DeliverySummary = (props: {
  eventType: string;
  health?: EventTypeHealth;
  loading: boolean;
  error?: Error;
  onRetry: () => void;
}) => {
  const { eventType, health, loading, error } = props;
  if (loading && !health) return <Progress />;
  if (error && isNotFound(error)) {
    return (
      <EmptyState
        missing="data"
        title={`${eventType} is not registered and was never received`}
        description="The delivery pipeline knows no event type of this name: register it, or check the name for a typo."
      />
    );
  }
  if (error) {
    return (
      <LoadError
        title="Could not load the delivery health"
        error={error}
        onRetry={props.onRetry}
      />
    );
  }
  if (!health) return null;
  return <HealthNumbers health={health} />;
};
