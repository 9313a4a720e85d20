import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { FailedEvent } from '@internal/plugin-delivery-pipeline-common';

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

/** A payload as pretty JSON when it parses, else as it came. */
export function formatPayload(payload: string): {
  text: string;
  json: boolean;
} {
  try {
    return { text: JSON.stringify(JSON.parse(payload), null, 2), json: true };
  } catch {
    return { text: payload, json: false };
  }
}

/** A failed event as it was received. */
export const FailedEventPayload = (props: { event: FailedEvent }) => {
  const classes = useStyles();
  const { event } = props;
  const { text, json } = formatPayload(event.payload);
  return (
    <Box py={1}>
      {event.payloadTruncated && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Cut to the configured size: this is the start of the event only, and
          it cannot be replayed.
        </Typography>
      )}
      {!json && !event.payloadTruncated && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Not valid JSON; shown as received.
        </Typography>
      )}
      <pre
        className={classes.payload}
        aria-label={`Payload of ${event.eventId ?? event.id}`}
      >
        {text}
      </pre>
    </Box>
  );
};
