import { InfoCard } from '@backstage/core-components';
import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import {
  formatCount,
  formatPercent,
  slaStatusOf,
  SlaStatusLabel,
} from '../shared';
import { overallCompliance } from './deliveryRows';

const Figure = (props: {
  title: string;
  value: ReactNode;
  detail: ReactNode;
}) => (
  <InfoCard title={props.title} variant="fullHeight">
    <Typography variant="h4" component="p">
      {props.value}
    </Typography>
    <Typography variant="body2" color="textSecondary">
      {props.detail}
    </Typography>
  </InfoCard>
);

const Compliance = (props: { healths: EventTypeHealth[]; window: string }) => {
  const total = overallCompliance(props.healths);
  return (
    <Figure
      title={`SLA compliance, ${props.window}`}
      value={
        <SlaStatusLabel status={slaStatusOf(total)}>
          {total.due ? formatPercent(total.compliance) : 'No data'}
        </SlaStatusLabel>
      }
      detail={
        total.due
          ? `${formatCount(total.met)} of ${formatCount(
              total.due,
            )} partitions on time`
          : 'No partition was due'
      }
    />
  );
};

/** The headline numbers over every type: breaches, compliance, backlog. */
export const DeliverySummary = (props: {
  day: EventTypeHealth[];
  week: EventTypeHealth[];
}) => {
  const breaching = props.day.filter(
    health => slaStatusOf(health.slaCompliance) === 'breached',
  ).length;
  let open = 0;
  let closed = 0;
  for (const health of props.week) {
    open += health.partitions.open;
    closed += health.partitions.closed;
  }
  return (
    <Grid container spacing={3} component="section" aria-label="Summary">
      <Grid item xs={12} sm={6} md={3}>
        <Figure
          title="Breaching SLA, last 24 h"
          value={
            <SlaStatusLabel status={breaching ? 'breached' : 'ok'}>
              {formatCount(breaching)}
            </SlaStatusLabel>
          }
          detail={`of ${formatCount(props.day.length)} event types with events`}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Compliance healths={props.day} window="last 24 h" />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Compliance healths={props.week} window="last 7 days" />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Figure
          title="Partitions waiting"
          value={formatCount(open + closed)}
          detail={`${formatCount(open)} open, ${formatCount(closed)} closed`}
        />
      </Grid>
    </Grid>
  );
};
