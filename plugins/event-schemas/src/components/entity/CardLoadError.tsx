import { ResponseError } from '@backstage/errors';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';

/** The backend's own words rather than the HTTP status line. */
function messageOf(error: Error): string {
  return error instanceof ResponseError && error.cause.message
    ? error.cause.message
    : error.message;
}

/**
 * A failed load inside a card: one line and a Retry, so that a backend that
 * is down does not push the rest of the entity page out of sight.
 */
export const CardLoadError = (props: {
  title: string;
  error: Error;
  onRetry: () => void;
}) => (
  <Box display="flex" alignItems="center" flexWrap="wrap" role="alert">
    <Typography variant="body2" color="error" component="span">
      {props.title}: {messageOf(props.error)}
    </Typography>
    <Box ml={1}>
      <Button size="small" color="primary" onClick={props.onRetry}>
        Retry
      </Button>
    </Box>
  </Box>
);
