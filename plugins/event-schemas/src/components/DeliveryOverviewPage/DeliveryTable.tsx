import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import Typography from '@material-ui/core/Typography';
import { useEventSchemasLinks } from '../../routes';
import {
  formatCount,
  formatIsoDuration,
  formatPercent,
  formatMs,
  isoDurationSeconds,
  Timestamp,
  compareCompliance,
  slaStatusOf,
  SlaStatusLabel,
  NAME_CELL,
  OWNER_CELL,
  DottedName,
} from '../shared';
import { DeliveryRow, waitingPartitions } from './deliveryRows';

const ComplianceCell = (props: { health?: EventTypeHealth }) => {
  if (!props.health) {
    return <SlaStatusLabel status="no-data">No events</SlaStatusLabel>;
  }
  const { due, met, compliance } = props.health.slaCompliance;
  if (!due) return <SlaStatusLabel status="no-data">None due</SlaStatusLabel>;
  return (
    <SlaStatusLabel status={slaStatusOf(props.health.slaCompliance)}>
      {formatPercent(compliance)} ({formatCount(met)}/{formatCount(due)})
    </SlaStatusLabel>
  );
};

/** The SLA applied: the pipeline's view if it has one, else the registry's. */
function slaSeconds(row: DeliveryRow): number | undefined {
  const health = row.day ?? row.week;
  if (health) return health.sla.maxLatenessMs / 1000;
  return row.eventType && isoDurationSeconds(row.eventType.sla.maxLateness);
}

const SlaCell = (props: { row: DeliveryRow }) => {
  const health = props.row.day ?? props.row.week;
  if (!health)
    return <>{formatIsoDuration(props.row.eventType?.sla.maxLateness)}</>;
  return (
    <>
      {formatMs(health.sla.maxLatenessMs)}
      {health.sla.source === 'default' && (
        <Typography variant="caption" color="textSecondary" component="div">
          pipeline default
        </Typography>
      )}
    </>
  );
};

function lastDelivered(row: DeliveryRow): string | undefined {
  // The week's window reaches further back, so it finds a delivery the
  // day's may not.
  return (row.week ?? row.day)?.lastDelivered?.deliveredAt;
}

/** Undefined sorts below every number, whichever way the column is sorted. */
function byNumber(
  value: (row: DeliveryRow) => number | undefined,
): (a: DeliveryRow, b: DeliveryRow) => number {
  return (a, b) => (value(a) ?? -Infinity) - (value(b) ?? -Infinity) || 0;
}

const EventTypeLink = (props: { name: string }) => {
  const links = useEventSchemasLinks();
  if (!links) return <DottedName name={props.name} />;
  return (
    <Link to={links.eventType(props.name, 'delivery')}>
      <DottedName name={props.name} />
    </Link>
  );
};

const columns: TableColumn<DeliveryRow>[] = [
  {
    title: 'Event type',
    field: 'name',
    highlight: true,
    // Names are long and dotted: room for them, broken at the dots if need be.
    cellStyle: NAME_CELL,
    render: row => <EventTypeLink name={row.name} />,
  },
  {
    title: 'Owner',
    cellStyle: OWNER_CELL,
    customSort: (a, b) =>
      (a.eventType?.owner ?? '').localeCompare(b.eventType?.owner ?? ''),
    render: row =>
      row.eventType ? (
        <EntityRefLink entityRef={row.eventType.owner} defaultKind="group" />
      ) : (
        '–'
      ),
  },
  {
    title: 'SLA',
    customSort: byNumber(slaSeconds),
    render: row => <SlaCell row={row} />,
  },
  {
    title: 'Compliance 24 h',
    customSort: (a, b) =>
      compareCompliance(a.day?.slaCompliance, b.day?.slaCompliance),
    render: row => <ComplianceCell health={row.day} />,
  },
  {
    title: 'Compliance 7 d',
    customSort: (a, b) =>
      compareCompliance(a.week?.slaCompliance, b.week?.slaCompliance),
    render: row => <ComplianceCell health={row.week} />,
  },
  {
    title: 'p95 lateness 24 h',
    customSort: byNumber(row => row.day?.latenessMs.p95),
    render: row => formatMs(row.day?.latenessMs.p95),
  },
  {
    title: 'Last delivered',
    customSort: byNumber(row => {
      const at = lastDelivered(row);
      return at === undefined ? undefined : Date.parse(at);
    }),
    render: row => <Timestamp value={lastDelivered(row)} />,
  },
  {
    title: 'Waiting (open / closed)',
    customSort: byNumber(row => waitingPartitions(row.week)),
    render: row =>
      row.week
        ? `${formatCount(row.week.partitions.open)} / ${formatCount(
            row.week.partitions.closed,
          )}`
        : '–',
  },
  {
    title: 'Duplicates 24 h',
    customSort: byNumber(row => row.day?.duplicateRate),
    render: row => formatPercent(row.day?.duplicateRate),
  },
  {
    title: 'Failed 24 h',
    customSort: byNumber(row => row.day?.failedRate),
    render: row => formatPercent(row.day?.failedRate),
  },
];

/**
 * Every type's delivery, worst first; each column sorts (ascending puts the
 * worst compliance first, like the initial order).
 */
export const DeliveryTable = (props: { rows: DeliveryRow[] }) => {
  return (
    <Table<DeliveryRow>
      title={`Event types (${props.rows.length})`}
      options={{
        search: false,
        paging: props.rows.length > 50,
        pageSize: 50,
        padding: 'dense',
      }}
      columns={columns}
      data={props.rows}
    />
  );
};
