import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EventType,
  eventTypeState,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { eventSchemasApiRef } from '../../../api';
import { useEventSchemasLinks } from '../../../routes';
import {
  errorMessage,
  OwnerOnlyButton,
  Principal,
  Timestamp,
} from '../../shared';
import { DeprecateDialog } from './DeprecateDialog';

const useStyles = makeStyles(theme => ({
  note: {
    marginTop: theme.spacing(2),
    padding: theme.spacing(1, 1.5),
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    background: theme.palette.background.default,
  },
  retired: { borderLeftColor: theme.palette.error.main },
  actions: { marginTop: theme.spacing(1), display: 'flex', gap: 8 },
}));

/**
 * Where an event type is in its lifecycle (active, deprecated with a sunset
 * date and a successor, or retired), with its owners' ways to move it on.
 */
export const LifecycleNote = (props: {
  eventType: EventType;
  /** Called with the type as the registry answered a change. */
  onChanged: (updated: EventType) => void;
}) => {
  const { eventType, onChanged } = props;
  const classes = useStyles();
  const links = useEventSchemasLinks();
  const api = useApi(eventSchemasApiRef);
  const [dialog, setDialog] = useState<'deprecate' | 'retire'>();
  const [problem, setProblem] = useState<string>();
  const state = eventType.state ?? eventTypeState(eventType);
  const { deprecation } = eventType;

  const change = async (run: () => Promise<EventType>) => {
    setProblem(undefined);
    try {
      onChanged(await run());
      setDialog(undefined);
    } catch (error) {
      setProblem(errorMessage(error as Error));
    }
  };

  const deprecateDialog = (
    <DeprecateDialog
      open={dialog === 'deprecate'}
      eventType={eventType}
      onClose={() => setDialog(undefined)}
      onSaved={updated => {
        setDialog(undefined);
        onChanged(updated);
      }}
    />
  );

  if (state === 'active' || !deprecation) {
    return (
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="body2" aria-label="Lifecycle: active">
          Active
        </Typography>
        <OwnerOnlyButton
          eventType={eventType}
          size="small"
          variant="outlined"
          onClick={() => setDialog('deprecate')}
        >
          Deprecate
        </OwnerOnlyButton>
        {deprecateDialog}
      </Box>
    );
  }

  const successor = deprecation.successor && (
    <Typography variant="body2">
      {state === 'retired' ? 'Send' : 'Use'}{' '}
      {links ? (
        <Link to={links.eventType(deprecation.successor)}>
          {deprecation.successor}
        </Link>
      ) : (
        deprecation.successor
      )}{' '}
      instead.
    </Typography>
  );

  return (
    <Box
      className={`${classes.note} ${
        state === 'retired' ? classes.retired : ''
      }`}
      role="note"
      aria-label={`Lifecycle: ${state}`}
    >
      <Typography variant="subtitle2">
        {state === 'retired' ? 'Retired' : 'Deprecated'}
      </Typography>
      <Typography variant="body2">{deprecation.reason}</Typography>
      {successor}
      {state === 'retired' ? (
        <Typography variant="body2">
          Retired <Timestamp value={deprecation.retiredAt} /> by{' '}
          <Principal value={deprecation.retiredBy!} />; new events are refused.
        </Typography>
      ) : (
        <Typography variant="body2">
          {deprecation.sunsetAt ? (
            <>
              Sunset <Timestamp value={deprecation.sunsetAt} />: retired then,
              and its events refused.
            </>
          ) : (
            'No sunset date: retired only when its owners retire it.'
          )}
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        Deprecated <Timestamp value={deprecation.deprecatedAt} /> by{' '}
        <Principal value={deprecation.deprecatedBy} />
      </Typography>
      {state === 'deprecated' && (
        <Box className={classes.actions}>
          <OwnerOnlyButton
            eventType={eventType}
            size="small"
            variant="outlined"
            onClick={() => setDialog('deprecate')}
          >
            Change sunset
          </OwnerOnlyButton>
          <OwnerOnlyButton
            eventType={eventType}
            size="small"
            onClick={() =>
              change(() =>
                api.updateEventType(eventType.name, { deprecation: null }),
              )
            }
          >
            Make active
          </OwnerOnlyButton>
          <OwnerOnlyButton
            eventType={eventType}
            size="small"
            color="secondary"
            onClick={() => setDialog('retire')}
          >
            Retire now
          </OwnerOnlyButton>
        </Box>
      )}
      {problem && !dialog && (
        <Typography variant="body2" color="error" role="alert">
          {problem}
        </Typography>
      )}
      {deprecateDialog}
      <Dialog
        open={dialog === 'retire'}
        onClose={() => {
          setDialog(undefined);
          setProblem(undefined);
        }}
      >
        <DialogTitle>Retire {eventType.name} now?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            It will refuse new events from now on
            {deprecation.successor
              ? `, telling producers to send ${deprecation.successor} instead`
              : ''}
            . Retirement is final: a retired type cannot be made active again.
          </DialogContentText>
          {problem && (
            <Typography color="error" role="alert">
              {problem}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDialog(undefined)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={() => change(() => api.retireEventType(eventType.name))}
          >
            Retire
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
};
