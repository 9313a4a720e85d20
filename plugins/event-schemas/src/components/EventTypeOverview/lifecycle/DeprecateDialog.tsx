import { useApi } from '@backstage/core-plugin-api';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { FormEvent, useEffect, useId, useState } from 'react';
import { eventSchemasApiRef } from '../../../api';
import { errorMessage } from '../../shared';

/** `YYYY-MM-DD` of a date, in UTC. */
const day = (date: Date) => date.toISOString().slice(0, 10);

/** The sunset as the registry takes it: the start of the day, UTC. */
export const sunsetAtOf = (date: string) => `${date}T00:00:00Z`;

/**
 * Deprecates an event type, or changes its deprecation: why, what to send
 * instead, and the sunset date from which the type refuses events.
 */
export const DeprecateDialog = (props: {
  open: boolean;
  eventType: EventType;
  onClose: () => void;
  onSaved: (updated: EventType) => void;
}) => {
  const { open, eventType, onClose, onSaved } = props;
  const api = useApi(eventSchemasApiRef);
  const current = eventType.deprecation;
  const [reason, setReason] = useState('');
  const [successor, setSuccessor] = useState('');
  const [sunset, setSunset] = useState('');
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    setReason(current?.reason ?? '');
    setSuccessor(current?.successor ?? '');
    setSunset(current?.sunsetAt ? day(new Date(current.sunsetAt)) : '');
    setProblem(undefined);
  }, [open, current]);

  const tomorrow = day(new Date(Date.now() + 24 * 60 * 60 * 1000));
  const sunsetProblem =
    sunset && sunset < tomorrow
      ? 'The sunset date must be after today'
      : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim() || !sunset || sunsetProblem) return;
    setSaving(true);
    setProblem(undefined);
    try {
      onSaved(
        await api.updateEventType(eventType.name, {
          deprecation: {
            reason: reason.trim(),
            ...(successor.trim() ? { successor: successor.trim() } : {}),
            sunsetAt: sunsetAtOf(sunset),
          },
        }),
      );
    } catch (error) {
      setProblem(errorMessage(error as Error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby={`${id}-title`}
    >
      <form onSubmit={submit} noValidate>
        <DialogTitle id={`${id}-title`}>
          {current ? 'Change the deprecation of' : 'Deprecate'} {eventType.name}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            Events are still accepted until the sunset date; from then on the
            type is retired and refuses them, naming its successor. The owners
            of its consumers are reminded 30, 7 and 1 day before.
          </DialogContentText>
          <TextField
            id={`${id}-reason`}
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            required
            fullWidth
            margin="normal"
            helperText="Why producers and consumers should move away from it"
          />
          <TextField
            id={`${id}-successor`}
            label="Successor"
            value={successor}
            onChange={e => setSuccessor(e.target.value)}
            fullWidth
            margin="normal"
            placeholder="com.example.playback.started.v2"
            helperText="The event type to send instead"
          />
          <TextField
            id={`${id}-sunset`}
            label="Sunset date"
            type="date"
            value={sunset}
            onChange={e => setSunset(e.target.value)}
            required
            fullWidth
            margin="normal"
            InputLabelProps={{ shrink: true }}
            inputProps={{ min: tomorrow }}
            error={sunsetProblem !== undefined}
            helperText={
              sunsetProblem ?? 'Retired from the start of this day (UTC)'
            }
          />
          {problem && (
            <Typography color="error" role="alert">
              {problem}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={saving || !reason.trim() || !sunset || !!sunsetProblem}
          >
            {current ? 'Save' : 'Deprecate'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
