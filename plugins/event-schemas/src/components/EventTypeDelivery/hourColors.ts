import { Theme } from '@material-ui/core/styles';
import { HourState } from './hours';

/**
 * How a heatmap cell of each state is painted, from the theme so that both
 * the light and the dark theme read well. Delivered empty and expired are
 * both grey: expired is hatched so that it does not depend on telling greys
 * apart. Missing is an alarm: hatched in the error colour (and marked).
 */
export function hourCellPaint(
  theme: Theme,
  state: HourState,
): { background: string; border: string } {
  const dark = theme.palette.type === 'dark';
  const { grey } = theme.palette;
  switch (state) {
    case 'onTime':
      return {
        background: theme.palette.success.main,
        border: theme.palette.success.main,
      };
    case 'late':
      return {
        background: theme.palette.error.main,
        border: theme.palette.error.main,
      };
    case 'open':
      return {
        background: theme.palette.warning.light,
        border: theme.palette.warning.main,
      };
    case 'empty':
      return {
        background: dark ? grey[700] : grey[300],
        border: dark ? grey[700] : grey[300],
      };
    case 'missing': {
      const stripe = theme.palette.error.main;
      return {
        background: `repeating-linear-gradient(-45deg, ${stripe}, ${stripe} 2px, transparent 2px, transparent 5px)`,
        border: stripe,
      };
    }
    case 'expired': {
      const stripe = dark ? grey[500] : grey[600];
      return {
        background: `repeating-linear-gradient(45deg, ${stripe}, ${stripe} 2px, transparent 2px, transparent 5px)`,
        border: stripe,
      };
    }
    default:
      return { background: 'transparent', border: theme.palette.divider };
  }
}
