import {
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import { ReactNode } from 'react';
import {
  formatPercent,
  formatMs,
  SlaStatusLabel,
  slaStatusOf,
  Timestamp,
} from '../shared';

const ICONS = {
  ok: StatusOK,
  warning: StatusWarning,
  pending: StatusPending,
};

/**
 * A status icon and its words. The stock status components hide their
 * children from screen readers, so the words go beside the icon, and say
 * the status themselves.
 */
const Status = (props: { kind: keyof typeof ICONS; children: ReactNode }) => {
  const Icon = ICONS[props.kind];
  return (
    <span>
      <Icon />
      {props.children}
    </span>
  );
};

/**
 * How many partitions due in the window were delivered within the SLA, with
 * the status thresholds of the plugin's tables.
 */
export const SlaCompliance = ({ health }: { health: EventTypeHealth }) => {
  const { due, met, compliance } = health.slaCompliance;
  if (due === 0) {
    return (
      <Status kind="pending">No partition was due in the last 24 h</Status>
    );
  }
  return (
    <SlaStatusLabel status={slaStatusOf(health.slaCompliance)}>
      {met} of {due} partitions on time ({formatPercent(compliance)})
    </SlaStatusLabel>
  );
};

/**
 * The newest delivered partition and how late it was: whether the dataset
 * is as fresh as its SLA promises.
 */
export const Freshness = ({ health }: { health: EventTypeHealth }) => {
  const last = health.lastDelivered;
  if (!last) {
    return <Status kind="pending">Nothing delivered yet</Status>;
  }
  const latenessMs =
    new Date(last.deliveredAt).getTime() - new Date(last.end).getTime();
  const sla = health.sla.maxLatenessMs;
  const onTime = latenessMs <= sla;
  return (
    <Status kind={onTime ? 'ok' : 'warning'}>
      Partition of <Timestamp value={last.start} />, delivered{' '}
      {formatMs(latenessMs)} after it ended
      {onTime ? '' : `, later than the ${formatMs(sla)} SLA`}
    </Status>
  );
};
