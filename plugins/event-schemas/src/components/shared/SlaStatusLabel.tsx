import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { SLA_STATUS_LABELS, SlaStatus } from './slaStatus';

const useStyles = makeStyles({
  root: { display: 'inline-flex', alignItems: 'baseline' },
  // Read by screen readers, which the status icons are hidden from.
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
});

const ICONS = {
  ok: StatusOK,
  warning: StatusWarning,
  breached: StatusError,
};

/**
 * A status icon in the theme's status colour, then the text; the status
 * also in words for screen readers. `no-data` has no icon: nothing due is
 * neither good nor bad.
 */
export const SlaStatusLabel = (props: {
  status: SlaStatus;
  children: ReactNode;
}) => {
  const classes = useStyles();
  if (props.status === 'no-data') {
    return (
      <Typography
        variant="body2"
        component="span"
        color="textSecondary"
        data-sla-status="no-data"
      >
        {props.children}
      </Typography>
    );
  }
  const Icon = ICONS[props.status];
  return (
    <span className={classes.root} data-sla-status={props.status}>
      <Icon />
      <span className={classes.visuallyHidden}>
        {SLA_STATUS_LABELS[props.status]}:{' '}
      </span>
      {props.children}
    </span>
  );
};
