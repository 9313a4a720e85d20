import { HeatmapDay, HourCell } from './hours';

/** Whether a cell is a button: an hour of the range that has begun. */
export function isInteractive(cell: HourCell): boolean {
  return cell.state !== 'outside' && cell.state !== 'future';
}

/**
 * Where an arrow key (or Home/End) moves the focus in the heatmap, the grid
 * pattern of WAI-ARIA: left/right through the hours (across midnight),
 * up/down a day, Home/End to the row's ends (with Ctrl, the whole grid's).
 * Undefined when the key does not move or there is nowhere to go.
 */
export function moveFocus(
  days: HeatmapDay[],
  from: HourCell,
  key: string,
  ctrlKey = false,
): HourCell | undefined {
  const flat = days.flatMap(day => day.cells).filter(isInteractive);
  const index = flat.indexOf(from);
  if (index < 0) return undefined;
  const row = days.findIndex(day => day.cells.includes(from));
  const rowCells = days[row].cells.filter(isInteractive);
  const sameColumn = (dayIndex: number) => {
    const cell = days[dayIndex]?.cells[from.hour];
    return cell && isInteractive(cell) ? cell : undefined;
  };
  switch (key) {
    case 'ArrowRight':
      return flat[index + 1];
    case 'ArrowLeft':
      return flat[index - 1];
    case 'ArrowDown':
      return sameColumn(row + 1);
    case 'ArrowUp':
      return sameColumn(row - 1);
    case 'Home':
      return ctrlKey ? flat[0] : rowCells[0];
    case 'End':
      return ctrlKey ? flat[flat.length - 1] : rowCells[rowCells.length - 1];
    default:
      return undefined;
  }
}
