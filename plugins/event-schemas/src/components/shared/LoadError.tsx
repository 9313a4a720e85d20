import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';

/** A failed load: the backend's message, and a way to try again. */
export const LoadError = (props: {
  title: string;
  error: Error;
  onRetry: () => void;
}) => (
  <Box>
    <ResponseErrorPanel title={props.title} error={props.error} />
    <Box mt={1}>
      <Button variant="outlined" color="primary" onClick={props.onRetry}>
        Retry
      </Button>
    </Box>
  </Box>
);
