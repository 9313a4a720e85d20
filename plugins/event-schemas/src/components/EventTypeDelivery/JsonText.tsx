import { makeStyles } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import { Fragment, ReactNode } from 'react';
import { HIDDEN_VALUE_EXPLANATIONS, hiddenValueKind } from '../shared';

const useStyles = makeStyles(theme => ({
  hidden: {
    padding: '0 2px',
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
    background: theme.palette.action.hover,
  },
  unreadable: {
    color: theme.palette.error.main,
    borderColor: theme.palette.error.main,
  },
}));

/**
 * A JSON value written as `JSON.stringify(value, null, 2)` writes it, so
 * the text is the raw JSON, with the values the pipeline shows in place of
 * personal ones (`"[masked]"`, `"[erased]"`, `"[unreadable]"`) set apart and
 * explained on hover. Their text says what they are to screen readers.
 */
export const JsonText = (props: { value: unknown }) => {
  const classes = useStyles();
  const write = (value: unknown, indent: string): ReactNode => {
    const inner = `${indent}  `;
    if (Array.isArray(value) && value.length > 0) {
      return (
        <>
          {'[\n'}
          {value.map((item, index) => (
            <Fragment key={index}>
              {inner}
              {write(item, inner)}
              {index < value.length - 1 ? ',\n' : '\n'}
            </Fragment>
          ))}
          {`${indent}]`}
        </>
      );
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) return '{}';
      return (
        <>
          {'{\n'}
          {entries.map(([key, item], index) => (
            <Fragment key={key}>
              {`${inner}${JSON.stringify(key)}: `}
              {write(item, inner)}
              {index < entries.length - 1 ? ',\n' : '\n'}
            </Fragment>
          ))}
          {`${indent}}`}
        </>
      );
    }
    const kind = hiddenValueKind(value);
    if (kind) {
      return (
        <Tooltip title={<>{HIDDEN_VALUE_EXPLANATIONS[kind]}</>}>
          <span
            className={`${classes.hidden} ${
              kind === 'unreadable' ? classes.unreadable : ''
            }`}
            data-personal-value={kind}
          >
            {JSON.stringify(value)}
          </span>
        </Tooltip>
      );
    }
    return JSON.stringify(value) ?? 'null';
  };
  return <>{write(props.value, '')}</>;
};
