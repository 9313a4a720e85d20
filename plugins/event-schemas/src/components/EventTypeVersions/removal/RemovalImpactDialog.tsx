import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useId } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../../api';
import { errorMessage, isForbidden, LoadError } from '../../shared';
import { RemovalImpactSummary } from './RemovalImpactSummary';

/** The registry answers 503 when the catalog, which lists consumers, does not. */
const isCatalogDown = (error: Error) =>
  error instanceof ResponseError
    ? error.statusCode === 503
    : error.name === 'ServiceUnavailableError';

const ImpactOfRemoval = (props: {
  eventType: Pick<EventType, 'name' | 'compatibility'>;
  version: number;
}) => {
  const { eventType, version } = props;
  const api = useApi(eventSchemasApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getVersionRemovalImpact(eventType.name, version),
    [api, eventType.name, version],
  );
  if (loading) return <Progress aria-label="Asking the registry who breaks" />;
  if (error && isForbidden(error)) {
    return (
      <Typography role="alert">
        You may not read {eventType.name}, so the registry does not say who
        consumes it.
      </Typography>
    );
  }
  if (error && isCatalogDown(error)) {
    return (
      <Box role="alert">
        <Typography>
          The catalog did not answer, so the registry cannot say who consumes{' '}
          {eventType.name} right now. Try again in a moment.
        </Typography>
        <Typography variant="caption" color="textSecondary" component="p">
          {errorMessage(error)}
        </Typography>
        <Button variant="outlined" color="primary" onClick={retry}>
          Retry
        </Button>
      </Box>
    );
  }
  if (error) {
    return (
      <LoadError
        title={`Could not check who breaks if version ${version} is removed`}
        error={error}
        onRetry={retry}
      />
    );
  }
  if (!value) return null;
  return (
    <RemovalImpactSummary
      eventType={eventType}
      version={version}
      impact={value}
    />
  );
};

/**
 * Who breaks if a version is removed, asked of the registry when opened.
 * Removing version N rolls the type back to N - 1, so the registry checks
 * N - 1 against N under the type's mode; nothing is removed here.
 */
export const RemovalImpactDialog = (props: {
  eventType: Pick<EventType, 'name' | 'compatibility'>;
  version: number;
  onClose: () => void;
}) => {
  const { eventType, version, onClose } = props;
  const id = useId();
  return (
    <Dialog
      open
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby={`${id}-title`}
    >
      <DialogTitle id={`${id}-title`}>
        Who breaks if version {version} is removed
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Removing version {version} of {eventType.name} rolls it back to
          version {version - 1}, which the registry checks against version{' '}
          {version} under {eventType.compatibility} as it would a new version;
          each breaking change is matched to the consumers in the catalog that
          read its field. Asking changes nothing.
        </DialogContentText>
        <ImpactOfRemoval eventType={eventType} version={version} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
