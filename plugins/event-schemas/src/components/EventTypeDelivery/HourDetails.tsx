import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import {
  Partition,
  PartitionState,
} from '@data-collection/plugin-delivery-pipeline-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import {
  formatCount,
  formatLocalTime,
  formatMs,
  Timestamp,
  VisuallyHidden,
} from '../shared';
import { formatHourRange, HourCell } from './hours';
import { HOUR_STATE_DESCRIPTIONS } from './HourTooltip';
import { PartitionPreview } from './PartitionPreview';

const useStyles = makeStyles({
  // Short values side by side; the box scrolls on a narrow screen.
  table: { '& th, & td': { whiteSpace: 'nowrap' } },
});

const STATE_STATUS: Record<PartitionState, typeof StatusOK> = {
  open: StatusRunning,
  closed: StatusPending,
  delivered: StatusOK,
  expired: StatusAborted,
};

const PartitionStatus = (props: { state: PartitionState }) => {
  const Status = STATE_STATUS[props.state];
  return <Status>{props.state}</Status>;
};

const Lateness = (props: { partition: Partition }) => {
  const { latenessMs, slaMet } = props.partition;
  if (latenessMs === undefined) {
    // Not delivered, and already past the deadline.
    return slaMet === false ? <StatusError>SLA missed</StatusError> : <>–</>;
  }
  return slaMet === false ? (
    <StatusError>{formatMs(latenessMs)}, SLA missed</StatusError>
  ) : (
    <>{formatMs(latenessMs)}</>
  );
};

/** The partitions of the selected hour, and a preview of a delivered one. */
export const HourDetails = (props: {
  eventType: string;
  cell: HourCell;
  onClose: () => void;
}) => {
  const { eventType, cell } = props;
  const classes = useStyles();
  const [previewStart, setPreviewStart] = useState<string>();
  const title = formatHourRange(cell);

  return (
    <Box component="section" aria-label={`Partitions of ${title}`} mt={3}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="h6" component="h3">
          {title}
        </Typography>
        <Button size="small" onClick={props.onClose}>
          Close
        </Button>
      </Box>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {HOUR_STATE_DESCRIPTIONS[cell.state]}
      </Typography>
      {cell.partitions.length === 0 ? (
        <Typography>
          {cell.state === 'open'
            ? 'Nothing received in this hour yet.'
            : 'This hour has no partition, although every hour of the type gets one (delivered empty when nothing is received): the pipeline lost it or is stalled.'}
        </Typography>
      ) : (
        <Box overflow="auto">
          <Table
            size="small"
            aria-label={`Partitions of ${title}`}
            className={classes.table}
          >
            <TableHead>
              <TableRow>
                <TableCell>Start</TableCell>
                <TableCell>State</TableCell>
                <TableCell align="right">Received</TableCell>
                <TableCell align="right">Delivered</TableCell>
                <TableCell align="right">Duplicates</TableCell>
                <TableCell align="right">Failed</TableCell>
                <TableCell>Lateness</TableCell>
                <TableCell>Closed</TableCell>
                <TableCell>Delivered at</TableCell>
                <TableCell>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {cell.partitions.map(partition => (
                <TableRow key={partition.start}>
                  <TableCell>
                    <Timestamp value={partition.start} seconds />
                  </TableCell>
                  <TableCell>
                    <PartitionStatus state={partition.state} />
                  </TableCell>
                  <TableCell align="right">
                    {formatCount(partition.counts.received)}
                  </TableCell>
                  <TableCell align="right">
                    {partition.counts.delivered === undefined
                      ? '–'
                      : formatCount(partition.counts.delivered)}
                  </TableCell>
                  <TableCell align="right">
                    {formatCount(
                      partition.counts.duplicates + partition.counts.conflicts,
                    )}
                  </TableCell>
                  <TableCell align="right">
                    {formatCount(partition.counts.failed)}
                  </TableCell>
                  <TableCell>
                    <Lateness partition={partition} />
                  </TableCell>
                  <TableCell>
                    <Timestamp value={partition.closedAt} />
                  </TableCell>
                  <TableCell>
                    <Timestamp value={partition.deliveredAt} />
                  </TableCell>
                  <TableCell>
                    {partition.state === 'delivered' && (
                      <Button
                        size="small"
                        variant="outlined"
                        color="primary"
                        aria-label={`Preview the partition starting ${formatLocalTime(
                          partition.start,
                          { seconds: true },
                        )}`}
                        onClick={() => setPreviewStart(partition.start)}
                      >
                        Preview
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
      {previewStart && (
        <PartitionPreview
          key={previewStart}
          eventType={eventType}
          start={previewStart}
          onClose={() => setPreviewStart(undefined)}
        />
      )}
    </Box>
  );
};
