import { useTheme } from '@material-ui/core/styles';
import { FocusEvent, KeyboardEvent, memo, MouseEvent } from 'react';
import { isInteractive } from './heatmapNavigation';
import { hourCellPaint } from './hourColors';
import { formatDay, formatLocalHour, HourCell, hourStateWords } from './hours';

/** What happened to a cell, for the heatmap to act on. */
export type CellEvent =
  | { kind: 'select' }
  | { kind: 'show'; anchor: HTMLElement; focus: boolean }
  | { kind: 'hide' }
  | { kind: 'key'; event: KeyboardEvent };

/** The accessible name of an hour's cell: `Mon 23 Nov 14:00: late`. */
export function cellName(cell: HourCell): string {
  return `${formatDay(cell.start)} ${formatLocalHour(
    cell.start,
  )}: ${hourStateWords(cell.state)}`;
}

/**
 * One hour of the heatmap. Memoised, with one stable handler for all: a
 * month is 720 of them, and hovering must not render them all again.
 */
export const HeatmapCell = memo(
  (props: {
    cell: HourCell;
    selected: boolean;
    tabbable: boolean;
    describedBy?: string;
    classes: Record<'cell' | 'selected' | 'future', string>;
    onEvent: (cell: HourCell, event: CellEvent) => void;
    buttonRef: (start: number, element: HTMLButtonElement | null) => void;
  }) => {
    const { cell, classes, onEvent } = props;
    const theme = useTheme();
    if (cell.state === 'outside') return <div role="gridcell" />;
    if (!isInteractive(cell)) {
      return (
        <div role="gridcell">
          <div className={classes.future} />
        </div>
      );
    }
    const paint = hourCellPaint(theme, cell.state);
    const start = cell.start.getTime();
    const show = (event: FocusEvent | MouseEvent, focus: boolean) =>
      onEvent(cell, {
        kind: 'show',
        anchor: event.currentTarget as HTMLElement,
        focus,
      });
    return (
      <div role="gridcell" aria-selected={props.selected}>
        <button
          type="button"
          ref={element => props.buttonRef(start, element)}
          className={`${classes.cell} ${
            props.selected ? classes.selected : ''
          }`}
          style={{ background: paint.background, borderColor: paint.border }}
          tabIndex={props.tabbable ? 0 : -1}
          aria-label={cellName(cell)}
          aria-describedby={props.describedBy}
          onClick={() => onEvent(cell, { kind: 'select' })}
          onFocus={event => show(event, true)}
          onBlur={() => onEvent(cell, { kind: 'hide' })}
          onMouseEnter={event => show(event, false)}
          onMouseLeave={() => onEvent(cell, { kind: 'hide' })}
          onKeyDown={event => onEvent(cell, { kind: 'key', event })}
        >
          {/* Late and missing are told by more than their colour. */}
          {cell.state === 'late' ? <span aria-hidden>!</span> : null}
          {cell.state === 'missing' ? <span aria-hidden>?</span> : null}
        </button>
      </div>
    );
  },
);
