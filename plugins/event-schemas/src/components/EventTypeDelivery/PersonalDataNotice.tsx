import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import LockOutlinedIcon from '@material-ui/icons/LockOutlined';
import VisibilityOutlinedIcon from '@material-ui/icons/VisibilityOutlined';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  notice: {
    display: 'flex',
    gap: theme.spacing(1.5),
    padding: theme.spacing(1, 1.5),
    marginBottom: theme.spacing(1),
    border: `1px solid ${theme.palette.divider}`,
    borderLeft: `4px solid ${theme.palette.info.main}`,
    borderRadius: theme.shape.borderRadius,
  },
  // Clear personal data on screen: the reader's responsibility, so the
  // notice stands out more than a mask does.
  clear: { borderLeftColor: theme.palette.warning.main },
  icon: { color: theme.palette.text.secondary, marginTop: 2 },
}));

/**
 * What a reader sees of an event type's personal data, above the data:
 * masked (and who may read it), or in clear (and that the read is audited).
 */
export const PersonalDataNotice = (props: {
  access: 'clear' | 'masked';
  title: string;
  children: ReactNode;
}) => {
  const classes = useStyles();
  const Icon =
    props.access === 'masked' ? LockOutlinedIcon : VisibilityOutlinedIcon;
  return (
    <Box
      role="note"
      aria-label={props.title}
      className={`${classes.notice} ${
        props.access === 'clear' ? classes.clear : ''
      }`}
    >
      <Icon fontSize="small" className={classes.icon} />
      <div>
        <Typography variant="body2">
          <strong>{props.title}.</strong> {props.children}
        </Typography>
      </div>
    </Box>
  );
};

/** Field paths as the reader finds them in the data. */
export const FieldList = (props: { fields: string[] }) => (
  <>
    {props.fields.map((field, index) => (
      <span key={field}>
        {index > 0 && ', '}
        <code>{field}</code>
      </span>
    ))}
  </>
);
