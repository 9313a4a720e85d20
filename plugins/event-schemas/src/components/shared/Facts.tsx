import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'minmax(8em, max-content) 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
  },
  label: {
    color: theme.palette.text.secondary,
  },
  value: {
    margin: 0,
    minWidth: 0,
    overflowWrap: 'anywhere',
  },
}));

/** Facts as a description list: a label column and a value column. */
export const Facts = (props: { children: ReactNode }) => (
  <dl className={useStyles().list}>{props.children}</dl>
);

export const Fact = (props: { label: string; children: ReactNode }) => {
  const classes = useStyles();
  return (
    <>
      <Typography component="dt" variant="body2" className={classes.label}>
        {props.label}
      </Typography>
      <Typography component="dd" variant="body2" className={classes.value}>
        {props.children}
      </Typography>
    </>
  );
};
