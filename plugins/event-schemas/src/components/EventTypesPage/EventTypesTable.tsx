import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import {
  compareCompliance,
  formatCount,
  formatIsoDuration,
  isoDurationSeconds,
  NAME_CELL,
  OWNER_CELL,
  DottedName,
} from '../shared';
import { useEventSchemasLinks } from '../../routes';
import { DeliveryStatusCell } from './DeliveryStatusCell';
import { EventTypeRow } from './eventTypeRows';

const Deprecated = (props: { eventType: EventType }) => {
  const { deprecation } = props.eventType;
  if (!deprecation) return null;
  const title = deprecation.successor
    ? `${deprecation.reason} Use ${deprecation.successor} instead.`
    : deprecation.reason;
  const label = deprecation.retiredAt ? 'Retired' : 'Deprecated';
  return (
    <Tooltip title={title}>
      <Chip
        label={label}
        size="small"
        variant="outlined"
        tabIndex={0}
        aria-label={`${label}: ${title}`}
      />
    </Tooltip>
  );
};

const NameCell = (props: { eventType: EventType }) => {
  const links = useEventSchemasLinks();
  const { name, title } = props.eventType;
  return (
    <>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        {links ? (
          <Link to={links.eventType(name)}>
            <DottedName name={name} />
          </Link>
        ) : (
          <DottedName name={name} />
        )}
        <Deprecated eventType={props.eventType} />
      </Box>
      {title && (
        <Typography variant="body2" color="textSecondary">
          {title}
        </Typography>
      )}
    </>
  );
};

/** Undefined sorts below every number, whichever way the column is sorted. */
function byNumber(
  value: (row: EventTypeRow) => number | undefined,
): (a: EventTypeRow, b: EventTypeRow) => number {
  return (a, b) => (value(a) ?? -Infinity) - (value(b) ?? -Infinity) || 0;
}

function byText(
  value: (row: EventTypeRow) => string,
): (a: EventTypeRow, b: EventTypeRow) => number {
  return (a, b) => value(a).localeCompare(value(b));
}

const columns: TableColumn<EventTypeRow>[] = [
  {
    title: 'Name',
    highlight: true,
    // Names are long and dotted: room for them, broken at the dots if need be.
    cellStyle: NAME_CELL,
    customSort: byText(row => row.eventType.name),
    render: row => <NameCell eventType={row.eventType} />,
  },
  {
    title: 'Owner',
    cellStyle: OWNER_CELL,
    customSort: byText(row => row.eventType.owner),
    render: row => (
      <EntityRefLink entityRef={row.eventType.owner} defaultKind="group" />
    ),
  },
  {
    title: 'Format',
    customSort: byText(row => row.eventType.format),
    render: row => row.eventType.format,
  },
  {
    title: 'Lifecycle',
    customSort: byText(row => row.eventType.lifecycle),
    render: row => row.eventType.lifecycle,
  },
  {
    title: 'Latest version',
    customSort: byNumber(row => row.eventType.latestVersion),
    render: row => `v${row.eventType.latestVersion}`,
  },
  {
    title: 'Events, 24 h',
    customSort: byNumber(row =>
      row.delivery ? row.delivery.health?.volume.received ?? 0 : undefined,
    ),
    render: row => {
      if (!row.delivery) return '–';
      return formatCount(row.delivery.health?.volume.received ?? 0);
    },
  },
  {
    title: 'Delivery, 24 h',
    // Ascending puts the worst first.
    customSort: (a, b) =>
      compareCompliance(
        a.delivery?.health?.slaCompliance,
        b.delivery?.health?.slaCompliance,
      ),
    render: row => (
      <DeliveryStatusCell name={row.eventType.name} delivery={row.delivery} />
    ),
  },
  {
    title: 'SLA',
    customSort: byNumber(row =>
      isoDurationSeconds(row.eventType.sla.maxLateness),
    ),
    render: row => formatIsoDuration(row.eventType.sla.maxLateness),
  },
];

/** Registered event types with their delivery; every column sorts. */
export const EventTypesTable = (props: {
  rows: EventTypeRow[];
  title: string;
  emptyContent: ReactNode;
}) => (
  <Table<EventTypeRow>
    title={props.title}
    options={{
      search: false,
      paging: props.rows.length > 20,
      pageSize: 20,
      pageSizeOptions: [20, 50, 100],
    }}
    columns={columns}
    data={props.rows}
    emptyContent={props.emptyContent}
  />
);
