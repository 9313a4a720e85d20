import Typography from '@material-ui/core/Typography';
import { formatCount, formatSeconds } from '../shared';
import { formatHourRange, HourCell, HourState } from './hours';

/** What each state means, in a sentence. */
export const HOUR_STATE_DESCRIPTIONS: Record<HourState, string> = {
  onTime: 'On time: delivered within the SLA',
  late: 'Late: missed the SLA',
  open: 'Open: still receiving or being closed, not due yet',
  empty: 'Delivered empty: no events were received in this hour',
  missing:
    'Missing: no partition although it is due; the pipeline lost it or is stalled',
  expired: 'Expired: retention deleted the delivered data',
  future: 'Not begun yet',
  outside: 'Outside the range',
};

/** The numbers of one hour, shown when its heatmap cell is hovered or focused. */
export const HourTooltip = (props: { cell: HourCell; slaSeconds?: number }) => {
  const { cell, slaSeconds } = props;
  const { counts } = cell;
  return (
    <>
      <Typography variant="body2" component="div">
        <strong>{formatHourRange(cell)}</strong>
      </Typography>
      <Typography variant="body2" component="div">
        {HOUR_STATE_DESCRIPTIONS[cell.state]}
      </Typography>
      {cell.partitions.length > 0 && (
        <Typography variant="body2" component="div">
          Received {formatCount(counts.received)} · delivered{' '}
          {counts.delivered === undefined ? '–' : formatCount(counts.delivered)}{' '}
          · duplicates {formatCount(counts.duplicates + counts.conflicts)} ·
          failed {formatCount(counts.failed)}
        </Typography>
      )}
      {cell.latenessSeconds !== undefined && (
        <Typography variant="body2" component="div">
          Lateness {formatSeconds(cell.latenessSeconds)}
          {slaSeconds !== undefined && ` (SLA ${formatSeconds(slaSeconds)})`}
        </Typography>
      )}
      {cell.partitions.length > 1 && (
        <Typography variant="caption" component="div">
          {cell.partitions.length} partitions
        </Typography>
      )}
    </>
  );
};
