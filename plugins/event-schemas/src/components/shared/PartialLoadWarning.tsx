import { WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import Button from '@material-ui/core/Button';

/**
 * A secondary source failed while the page's own data loaded: what is
 * missing, the backend's reason, and a way to try again.
 */
export const PartialLoadWarning = (props: {
  title: string;
  error: Error;
  onRetry: () => void;
}) => (
  <WarningPanel
    title={props.title}
    // The backend's own words, not `Request failed with 503`.
    message={
      props.error instanceof ResponseError
        ? props.error.cause.message
        : props.error.message
    }
    defaultExpanded
  >
    <Button variant="outlined" color="primary" onClick={props.onRetry}>
      Retry
    </Button>
  </WarningPanel>
);
