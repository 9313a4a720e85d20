import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Paper from '@material-ui/core/Paper';
import Popper from '@material-ui/core/Popper';
import { useCallback, useId, useMemo, useRef, useState } from 'react';
import { CellEvent, HeatmapCell } from './HeatmapCell';
import { HeatmapLegend } from './HeatmapLegend';
import { moveFocus } from './heatmapNavigation';
import { formatDay, Heatmap, heatmapSummary, HourCell } from './hours';
import { HourTooltip } from './HourTooltip';
import { VisuallyHidden } from '../shared';

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

const useStyles = makeStyles(theme => ({
  grid: {
    overflowX: 'auto',
  },
  row: {
    display: 'grid',
    gridTemplateColumns: '6rem repeat(24, minmax(14px, 1fr))',
    gap: 3,
    marginBottom: 3,
    minWidth: 480,
  },
  columnHeader: {
    ...theme.typography.caption,
    color: theme.palette.text.secondary,
    textAlign: 'center',
  },
  rowHeader: {
    ...theme.typography.caption,
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
    alignSelf: 'center',
  },
  cell: {
    display: 'block',
    width: '100%',
    height: 20,
    padding: 0,
    borderRadius: 3,
    borderWidth: 1,
    borderStyle: 'solid',
    cursor: 'pointer',
    color: theme.palette.error.contrastText,
    fontSize: 11,
    fontWeight: 'bold',
    lineHeight: '18px',
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.text.primary}`,
      outlineOffset: 1,
    },
  },
  selected: {
    outline: `2px solid ${theme.palette.text.primary}`,
    outlineOffset: 1,
  },
  popper: {
    zIndex: theme.zIndex.tooltip,
    pointerEvents: 'none',
  },
  tooltip: {
    padding: theme.spacing(1, 1.5),
    maxWidth: 360,
    marginBottom: theme.spacing(0.5),
  },
  future: {
    height: 20,
    borderRadius: 3,
    border: `1px dashed ${theme.palette.divider}`,
  },
}));

/**
 * Every hour of the range as a cell, a row per local day: whether it was
 * delivered on time at a glance, its numbers on hover or focus, and its
 * partitions when selected. One cell is in the tab order; arrow keys move
 * between them (the grid pattern).
 */
export const HourHeatmap = (props: {
  heatmap: Heatmap;
  rangeWords: string;
  slaSeconds?: number;
  selected?: HourCell;
  onSelect: (cell: HourCell) => void;
}) => {
  const { heatmap, slaSeconds, selected } = props;
  const classes = useStyles();
  const buttons = useRef(new Map<number, HTMLButtonElement>());
  const [focusedStart, setFocusedStart] = useState<number>();
  // One tooltip for the whole grid, not one per cell.
  const [shown, setShown] = useState<{ cell: HourCell; anchor: HTMLElement }>();
  const tooltipId = useId();

  const interactive = heatmap.hours;
  const selectedStart = selected?.start.getTime();
  const tabbable =
    interactive.find(c => c.start.getTime() === focusedStart) ??
    interactive.find(c => c.start.getTime() === selectedStart) ??
    interactive[interactive.length - 1];

  // The latest props for the one stable handler of all cells.
  const latest = useRef({ days: heatmap.days, onSelect: props.onSelect });
  latest.current = { days: heatmap.days, onSelect: props.onSelect };
  const onCellEvent = useCallback((cell: HourCell, event: CellEvent) => {
    const start = cell.start.getTime();
    switch (event.kind) {
      case 'select':
        // The details open below; the tooltip would cover the grid.
        setShown(undefined);
        setFocusedStart(start);
        latest.current.onSelect(cell);
        return;
      case 'show':
        if (event.focus) setFocusedStart(start);
        setShown({ cell, anchor: event.anchor });
        return;
      case 'hide':
        setShown(undefined);
        return;
      case 'key': {
        const { key, ctrlKey } = event.event;
        if (key === 'Escape') {
          setShown(undefined);
          return;
        }
        const target = moveFocus(latest.current.days, cell, key, ctrlKey);
        if (!target) return;
        event.event.preventDefault();
        setFocusedStart(target.start.getTime());
        buttons.current.get(target.start.getTime())?.focus();
        return;
      }
      default:
    }
  }, []);
  const buttonRef = useCallback(
    (start: number, element: HTMLButtonElement | null) => {
      if (element) buttons.current.set(start, element);
      else buttons.current.delete(start);
    },
    [],
  );
  const cellClasses = useMemo(
    () => ({
      cell: classes.cell,
      selected: classes.selected,
      future: classes.future,
    }),
    [classes.cell, classes.selected, classes.future],
  );

  const summary = heatmapSummary(props.rangeWords, heatmap.totals);
  return (
    <Box>
      <div
        role="grid"
        aria-label={`Partitions by hour, a row per day in your time zone. ${summary}`}
        className={classes.grid}
      >
        <div role="row" className={classes.row}>
          <div role="columnheader" className={classes.columnHeader}>
            <VisuallyHidden>Day</VisuallyHidden>
          </div>
          {HOURS.map(hour => (
            <div
              key={hour}
              role="columnheader"
              className={classes.columnHeader}
            >
              {hour}
            </div>
          ))}
        </div>
        {heatmap.days.map(day => (
          <div key={day.date.getTime()} role="row" className={classes.row}>
            <div role="rowheader" className={classes.rowHeader}>
              {formatDay(day.date)}
            </div>
            {day.cells.map(cell => (
              <HeatmapCell
                key={cell.hour}
                cell={cell}
                selected={cell.start.getTime() === selectedStart}
                tabbable={cell === tabbable}
                describedBy={shown?.cell === cell ? tooltipId : undefined}
                classes={cellClasses}
                onEvent={onCellEvent}
                buttonRef={buttonRef}
              />
            ))}
          </div>
        ))}
      </div>
      {shown && (
        <Popper
          open
          anchorEl={shown.anchor}
          placement="top"
          className={classes.popper}
          id={tooltipId}
        >
          <Paper className={classes.tooltip} elevation={8}>
            <HourTooltip cell={shown.cell} slaSeconds={slaSeconds} />
          </Paper>
        </Popper>
      )}
      <HeatmapLegend summary={summary} totals={heatmap.totals} />
    </Box>
  );
};
