import Box from '@material-ui/core/Box';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { formatCount } from '../shared';
import { hourCellPaint } from './hourColors';
import { ShownHourState, SHOWN_HOUR_STATES } from './hours';

const LEGEND_LABELS: Record<ShownHourState, string> = {
  onTime: 'On time',
  empty: 'Delivered empty (nothing received)',
  late: 'Late (SLA missed)',
  open: 'Open (not due yet)',
  missing: 'Missing (no partition: lost or stalled)',
  expired: 'Expired (deleted by retention)',
};

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1.5),
  },
  swatch: {
    display: 'inline-block',
    width: 14,
    height: 14,
    borderRadius: 2,
    borderWidth: 1,
    borderStyle: 'solid',
    marginRight: theme.spacing(0.75),
    verticalAlign: 'middle',
  },
}));

/**
 * The heatmap's key, with how many hours are in each state; to screen
 * readers it is the heatmap's summary in one sentence.
 */
export const HeatmapLegend = (props: {
  id?: string;
  summary: string;
  totals: Record<ShownHourState, number>;
}) => {
  const classes = useStyles();
  const theme = useTheme();
  return (
    <>
      <Box
        id={props.id}
        role="img"
        aria-label={props.summary}
        className={classes.legend}
      >
        {SHOWN_HOUR_STATES.map(state => {
          const paint = hourCellPaint(theme, state);
          return (
            <Typography key={state} variant="body2" component="span">
              <span
                className={classes.swatch}
                style={{
                  background: paint.background,
                  borderColor: paint.border,
                }}
              />
              {LEGEND_LABELS[state]}: {formatCount(props.totals[state])}
            </Typography>
          );
        })}
      </Box>
      <Typography variant="caption" color="textSecondary" component="p">
        Hours in your time zone; hover or focus a cell for its numbers (and
        UTC), select it for its partitions. An hour in which no events were
        received is delivered empty; a missing one has no partition at all,
        which the pipeline should never leave.
      </Typography>
    </>
  );
};
