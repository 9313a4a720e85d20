import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DataSubjectErasure,
  dataSubjectErasePermission,
  parsePseudonym,
} from '@data-collection/plugin-delivery-pipeline-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { FormEvent, useRef, useState } from 'react';
import { deliveryPipelineApiRef } from '../../api';
import { CODE_INPUT_PROPS, errorMessage, isForbidden } from '../shared';
import { ErasureReceipt } from './ErasureReceipt';

const SUBJECT_ID = 'data-subject-id';
const SUPPRESS_HELP_ID = 'data-subject-suppress-help';
const REASON_ID = 'data-subject-erase-blocking';
const CONFIRM_TITLE_ID = 'data-subject-erase-confirm-title';

const NOT_ALLOWED = `Erasing cannot be undone, so it is kept to the data platform admins (permission ${dataSubjectErasePermission.name}). Send the request to them.`;

/** Why `subject` cannot be erased as typed, if it cannot. */
function subjectProblem(subject: string): string | undefined {
  if (parsePseudonym(subject)) {
    return "This is a pseudonym, not the person's id: enter the id their events were sent with (a pseudonym is what others see in its place).";
  }
  return undefined;
}

/** What erasing does, said before the user confirms it. */
const Consequences = (props: { suppress: boolean }) => (
  <ul>
    <li>
      Their personal data becomes unreadable in every stored copy: the
      transport, the raw and delivered files, the warehouse and previews. It
      reads <em>erased</em> from now on.
    </li>
    <li>Their failed events are deleted.</li>
    <li>
      {props.suppress
        ? 'Events about them are refused from now on.'
        : 'Events about them sent from now on are collected, under a new key.'}
    </li>
    <li>
      Other people's data, and the fields of their events that are not personal,
      are untouched.
    </li>
  </ul>
);

/**
 * The form to erase a person: their id, whether to refuse their future
 * events, a confirmation that says what happens, then the receipt. Only
 * users allowed to erase can submit; the backend checks again.
 */
export const EraseDataSubjectForm = () => {
  const api = useApi(deliveryPipelineApiRef);
  const permission = usePermission({
    permission: dataSubjectErasePermission,
  });
  const [subject, setSubject] = useState('');
  const [suppress, setSuppress] = useState(false);
  // What the dialog asks to confirm: kept while it closes, so its text does
  // not change under the user's eyes when the form is cleared.
  const [request, setRequest] = useState<{
    subject: string;
    suppress: boolean;
  }>();
  const [confirming, setConfirming] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [failure, setFailure] = useState<{ subject: string; error: Error }>();
  const [receipt, setReceipt] = useState<DataSubjectErasure>();
  const eraseButton = useRef<HTMLButtonElement>(null);
  const receiptRef = useRef<HTMLElement>(null);

  const denied = !permission.loading && !permission.allowed;
  const problem = subjectProblem(subject);
  const canSubmit =
    permission.allowed && subject !== '' && !problem && !erasing;
  let reason: string | undefined;
  if (denied) {
    reason = 'You may not erase people';
  } else if (subject === '') {
    reason = "To erase, enter the person's id";
  }

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    setRequest({ subject, suppress });
    setConfirming(true);
  };

  const erase = async () => {
    if (!request) return;
    setErasing(true);
    setFailure(undefined);
    try {
      setReceipt(
        await api.eraseDataSubject(request.subject, {
          suppress: request.suppress,
        }),
      );
      setSubject('');
      setSuppress(false);
    } catch (error) {
      setReceipt(undefined);
      setFailure({ subject: request.subject, error: error as Error });
    } finally {
      setErasing(false);
      setConfirming(false);
    }
  };

  // Once the dialog is gone: to the receipt after an erasure, else back to
  // the button, which the dialog's own focus return would leave disabled.
  const focusAfterDialog = () =>
    (receipt && !failure ? receiptRef : eraseButton).current?.focus();

  return (
    <>
      <form noValidate onSubmit={confirm} aria-label="Erase a person">
        {denied && (
          <WarningPanel
            title="You may not erase people"
            message={NOT_ALLOWED}
            defaultExpanded
          />
        )}
        <TextField
          id={SUBJECT_ID}
          label="The person's id"
          required
          fullWidth
          disabled={denied}
          variant="outlined"
          margin="normal"
          value={subject}
          onChange={event => setSubject(event.target.value)}
          error={Boolean(problem)}
          helperText={
            problem ??
            'The value of the data subject field in their events, as it was sent: for example their user id.'
          }
          inputProps={CODE_INPUT_PROPS}
        />
        <FormControlLabel
          disabled={denied}
          control={
            <Checkbox
              checked={suppress}
              onChange={event => setSuppress(event.target.checked)}
              inputProps={{ 'aria-describedby': SUPPRESS_HELP_ID }}
            />
          }
          label="Refuse their future events"
        />
        <FormHelperText id={SUPPRESS_HELP_ID}>
          Ingest rejects events about them from now on, so nothing about them is
          collected again. Without it, events about them sent later are
          collected, under a new key.
        </FormHelperText>
        {failure && (
          <Box mt={2}>
            <WarningPanel
              severity="error"
              title={`${failure.subject} was not erased`}
              message={
                isForbidden(failure.error)
                  ? `You may not erase people: ${errorMessage(failure.error)}`
                  : errorMessage(failure.error)
              }
              defaultExpanded
            />
          </Box>
        )}
        <Box mt={2} display="flex" alignItems="center" flexWrap="wrap">
          <Button
            ref={eraseButton}
            type="submit"
            variant="contained"
            color="primary"
            disabled={!canSubmit}
            aria-describedby={reason ? REASON_ID : undefined}
          >
            Erase…
          </Button>
          {reason && (
            <Box ml={2}>
              <Typography id={REASON_ID} variant="body2" color="textSecondary">
                {reason}
              </Typography>
            </Box>
          )}
        </Box>
      </form>
      {receipt && (
        <Box mt={3}>
          <ErasureReceipt ref={receiptRef} receipt={receipt} />
        </Box>
      )}
      <Dialog
        open={confirming}
        onClose={erasing ? undefined : () => setConfirming(false)}
        aria-labelledby={CONFIRM_TITLE_ID}
        maxWidth="sm"
        disableRestoreFocus
        TransitionProps={{ onExited: focusAfterDialog }}
      >
        <DialogTitle id={CONFIRM_TITLE_ID}>
          Erase {request?.subject}?
        </DialogTitle>
        <DialogContent>
          <Typography variant="body2" component="div">
            <Consequences suppress={request?.suppress ?? false} />
            <strong>This cannot be undone.</strong>
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} disabled={erasing}>
            Cancel
          </Button>
          <Button
            variant="contained"
            color="secondary"
            onClick={erase}
            disabled={erasing}
            startIcon={
              erasing && (
                <CircularProgress size={16} color="inherit" aria-hidden />
              )
            }
          >
            {erasing ? 'Erasing…' : `Erase ${request?.subject}`}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};
