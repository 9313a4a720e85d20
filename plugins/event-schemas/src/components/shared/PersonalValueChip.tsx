import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import FingerprintIcon from '@material-ui/icons/Fingerprint';
import LockOutlinedIcon from '@material-ui/icons/LockOutlined';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import { ReactElement } from 'react';
import {
  HIDDEN_VALUE_EXPLANATIONS,
  HiddenValueKind,
  PSEUDONYM_EXPLANATION,
} from './personalDataWords';
import { VisuallyHidden } from './VisuallyHidden';

/** How the UI labels a personal value that it shows in place of the clear one. */
type PersonalValueKind = HiddenValueKind | 'pseudonym';

const ICONS: Record<PersonalValueKind, ReactElement> = {
  masked: <LockOutlinedIcon />,
  erased: <RemoveCircleOutlineIcon />,
  unreadable: <ErrorOutlineIcon />,
  pseudonym: <FingerprintIcon />,
};

const EXPLANATIONS: Record<PersonalValueKind, string> = {
  ...HIDDEN_VALUE_EXPLANATIONS,
  pseudonym: PSEUDONYM_EXPLANATION,
};

const useStyles = makeStyles(theme => ({
  chip: { verticalAlign: 'middle' },
  // Erased for good: drawn fainter than a value someone may still read.
  erased: { borderStyle: 'dashed', color: theme.palette.text.secondary },
  // Changed after ingest: a fault to look into, not a permission.
  unreadable: {
    color: theme.palette.error.main,
    borderColor: theme.palette.error.main,
    '& svg': { color: 'inherit' },
  },
}));

/**
 * A label in place of, or beside, a personal value: `masked`, `erased`,
 * `unreadable` or `pseudonym`, explained on hover and, in words that only
 * screen readers get, right after it (a tooltip alone reaches no one who
 * does not point at it).
 */
export const PersonalValueChip = (props: { kind: PersonalValueKind }) => {
  const classes = useStyles();
  const { kind } = props;
  return (
    <Tooltip title={<>{EXPLANATIONS[kind]}</>}>
      <Chip
        size="small"
        variant="outlined"
        color={kind === 'pseudonym' ? 'primary' : 'default'}
        icon={ICONS[kind]}
        className={`${classes.chip} ${
          kind === 'erased' || kind === 'unreadable' ? classes[kind] : ''
        }`}
        data-personal-value={kind}
        label={
          <>
            {kind}
            <VisuallyHidden> ({EXPLANATIONS[kind]})</VisuallyHidden>
          </>
        }
      />
    </Tooltip>
  );
};
