import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { useEventSchemasLinks } from '../../routes';

const REASON_ID = 'register-event-type-blocking';

/** The form's submit button, a way out, and why submitting is not possible yet. */
export const SubmitBar = (props: {
  canSubmit: boolean;
  submitting: boolean;
  /** Why the button is disabled, if it is for a reason the user can act on. */
  reason?: string | false;
}) => {
  const links = useEventSchemasLinks();
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap">
      <Button
        type="submit"
        variant="contained"
        color="primary"
        disabled={!props.canSubmit}
        aria-describedby={props.reason ? REASON_ID : undefined}
        startIcon={
          props.submitting && (
            <CircularProgress size={16} color="inherit" aria-hidden />
          )
        }
      >
        {props.submitting ? 'Registering…' : 'Register'}
      </Button>
      {links && (
        <Box ml={1}>
          <Button component={Link} to={links.eventTypes()}>
            Cancel
          </Button>
        </Box>
      )}
      {props.reason && (
        <Box ml={2}>
          <Typography id={REASON_ID} variant="body2" color="textSecondary">
            {props.reason}
          </Typography>
        </Box>
      )}
    </Box>
  );
};
