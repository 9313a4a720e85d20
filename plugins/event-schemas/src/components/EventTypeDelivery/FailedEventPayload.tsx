import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { FailedEvent } from '@data-collection/plugin-delivery-pipeline-common';
import { HiddenValueKind, hiddenValueKind, PersonalValueChip } from '../shared';
import { JsonText } from './JsonText';

const useStyles = makeStyles(theme => ({
  payload: {
    margin: 0,
    padding: theme.spacing(1),
    maxHeight: 360,
    overflow: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    background: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
}));

/** Why a whole payload is not shown. */
const WHOLE_PAYLOAD: Record<HiddenValueKind, string> = {
  masked:
    'The whole payload is masked: it is not a JSON object, so nothing in it can be told apart from personal data.',
  erased:
    'The whole payload is erased: the person it was about was erased, and their key deleted.',
  unreadable:
    'The whole payload is unreadable: it was changed after it was encrypted and fails authentication.',
};

/** A payload's JSON value when it parses; else it is shown as it came. */
function parsePayload(
  payload: string,
): { json: true; value: unknown } | { json: false } {
  try {
    return { json: true, value: JSON.parse(payload) };
  } catch {
    return { json: false };
  }
}

/**
 * A failed event as it was received, with the reader's view of its
 * personal data: the values masked for readers who may not read them, or
 * the whole payload erased (its person was) or unreadable (it was changed).
 */
export const FailedEventPayload = (props: { event: FailedEvent }) => {
  const classes = useStyles();
  const { event } = props;
  const hidden = hiddenValueKind(event.payload);
  if (hidden) {
    return (
      <Box py={1} aria-label={`Payload of ${event.eventId ?? event.id}`}>
        {/* The sentence says it all to screen readers. */}
        <span aria-hidden>
          <PersonalValueChip kind={hidden} />
        </span>{' '}
        <Typography variant="body2" component="span">
          {WHOLE_PAYLOAD[hidden]}
        </Typography>
      </Box>
    );
  }
  const parsed = parsePayload(event.payload);
  return (
    <Box py={1}>
      {event.payloadMasked && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Its values are masked, but for the attributes shown beside it: you may
          not read this type's personal data.
        </Typography>
      )}
      {event.payloadTruncated && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Cut to the configured size: this is the start of the event only, and
          it cannot be replayed.
        </Typography>
      )}
      {!parsed.json && !event.payloadTruncated && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Not valid JSON; shown as received.
        </Typography>
      )}
      <pre
        className={classes.payload}
        aria-label={`Payload of ${event.eventId ?? event.id}`}
      >
        {parsed.json ? <JsonText value={parsed.value} /> : event.payload}
      </pre>
    </Box>
  );
};
