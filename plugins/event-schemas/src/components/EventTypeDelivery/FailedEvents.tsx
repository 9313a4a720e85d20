import { Progress } from '@backstage/core-components';
import { FailedEvent } from '@data-collection/plugin-delivery-pipeline-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRightIcon from '@material-ui/icons/KeyboardArrowRight';
import { useState } from 'react';
import {
  isForbidden,
  LoadError,
  Timestamp,
  VisuallyHidden,
  whoMayReadPersonalData,
} from '../shared';
import { FailedEventPayload } from './FailedEventPayload';
import { PersonalDataNotice } from './PersonalDataNotice';
import { DeliveryWindow } from './range';
import { useFailedEvents } from './useFailedEvents';

const COLUMNS = 7;

const useStyles = makeStyles({
  // The reason is what a producer reads: it gets the room, the rest do not wrap.
  nowrap: { whiteSpace: 'nowrap' },
  reason: { minWidth: 280, fontWeight: 500 },
  // Ids are long and without spaces: broken anywhere rather than widening.
  eventId: { wordBreak: 'break-all', minWidth: 120 },
});

const FailedEventRow = (props: { event: FailedEvent }) => {
  const { event } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const name = event.eventId ?? event.id;
  return (
    <>
      <TableRow>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} the payload of ${name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? <KeyboardArrowDownIcon /> : <KeyboardArrowRightIcon />}
          </IconButton>
        </TableCell>
        <TableCell className={classes.nowrap}>
          <Timestamp value={event.receivedAt} seconds />
        </TableCell>
        <TableCell>
          <Typography variant="body2" className={classes.reason}>
            {event.reason}
          </Typography>
        </TableCell>
        <TableCell className={classes.nowrap}>{event.source ?? '–'}</TableCell>
        <TableCell className={classes.eventId}>
          {event.eventId ?? '–'}
        </TableCell>
        <TableCell className={classes.nowrap}>
          {event.producer ?? '–'}
        </TableCell>
        <TableCell className={classes.nowrap}>
          {event.replayedAt ? <Timestamp value={event.replayedAt} /> : 'No'}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell
          colSpan={COLUMNS}
          style={{
            paddingTop: 0,
            paddingBottom: 0,
            borderBottom: open ? undefined : 'none',
          }}
        >
          <Collapse in={open} unmountOnExit>
            <FailedEventPayload event={event} />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
};

/**
 * The events of the type that ingest rejected in the range, newest first,
 * with the reason a producer can act on.
 */
export const FailedEvents = (props: {
  eventType: string;
  window: DeliveryWindow;
}) => {
  const classes = useStyles();
  const failed = useFailedEvents(props.eventType, props.window);

  if (failed.loading && !failed.items) return <Progress />;
  if (failed.error && isForbidden(failed.error)) {
    return (
      <Typography role="alert">
        You may not read the failed events of {props.eventType}: they hold the
        events themselves, so only its owners and the admins may.
      </Typography>
    );
  }
  if (failed.error) {
    return (
      <LoadError
        title="Could not load the failed events"
        error={failed.error}
        onRetry={failed.retry}
      />
    );
  }
  if (!failed.items) return null;
  if (failed.items.length === 0) {
    return <Typography>No failed events in this range.</Typography>;
  }
  return (
    <>
      {failed.items.some(event => event.payloadMasked) && (
        <PersonalDataNotice access="masked" title="Payload values are masked">
          A failed event did not pass its schema, so its personal data may be
          anywhere in it: every value of its payload is masked but its id,
          source, type and time. {whoMayReadPersonalData(props.eventType)}
        </PersonalDataNotice>
      )}
      <Box overflow="auto">
        <Table size="small" aria-label="Failed events, newest first">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <VisuallyHidden>Payload</VisuallyHidden>
              </TableCell>
              <TableCell className={classes.nowrap}>Received</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell className={classes.nowrap}>Source</TableCell>
              <TableCell className={classes.nowrap}>Event ID</TableCell>
              <TableCell className={classes.nowrap}>Producer</TableCell>
              <TableCell className={classes.nowrap}>Replayed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {failed.items.map(event => (
              <FailedEventRow key={event.id} event={event} />
            ))}
          </TableBody>
        </Table>
      </Box>
      {failed.loadMoreError && (
        <Box mt={1}>
          <LoadError
            title="Could not load more failed events"
            error={failed.loadMoreError}
            onRetry={failed.loadMore}
          />
        </Box>
      )}
      {failed.hasMore && !failed.loadMoreError && (
        <Box mt={1}>
          <Button
            variant="outlined"
            onClick={failed.loadMore}
            disabled={failed.loadingMore}
          >
            {failed.loadingMore ? 'Loading…' : 'Load more'}
          </Button>
        </Box>
      )}
    </>
  );
};
