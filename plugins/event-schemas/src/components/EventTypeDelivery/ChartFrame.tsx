import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReactElement, ReactNode, useId, useState } from 'react';
import { ResponsiveContainer } from 'recharts';

export type ChartTable = {
  columns: string[];
  rows: Array<{ key: string | number; cells: ReactNode[] }>;
};

/**
 * A chart with what it shows in words (its accessible name, and visible
 * under it) and its numbers as a table on demand, for screen readers and
 * for anyone who wants the exact values.
 */
export const ChartFrame = (props: {
  summary: string;
  table: ChartTable;
  tableLabel: string;
  children: ReactElement;
}) => {
  const captionId = useId();
  const [showTable, setShowTable] = useState(false);
  return (
    <Box component="figure" m={0}>
      {/* ResponsiveContainer measures its parent, so the parent has a size. */}
      <Box role="img" aria-labelledby={captionId} height={240} width="100%">
        <ResponsiveContainer width="100%" height="100%">
          {props.children}
        </ResponsiveContainer>
      </Box>
      <Typography
        id={captionId}
        component="figcaption"
        variant="body2"
        color="textSecondary"
      >
        {props.summary}
      </Typography>
      <Button
        size="small"
        aria-expanded={showTable}
        onClick={() => setShowTable(shown => !shown)}
      >
        {showTable ? 'Hide the numbers' : 'Show the numbers'}
      </Button>
      {showTable && (
        <Box maxHeight={320} overflow="auto">
          <Table size="small" aria-label={props.tableLabel} stickyHeader>
            <TableHead>
              <TableRow>
                {props.table.columns.map(column => (
                  <TableCell key={column}>{column}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {props.table.rows.map(row => (
                <TableRow key={row.key}>
                  {row.cells.map((cell, index) => (
                    <TableCell key={props.table.columns[index]}>
                      {cell}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Box>
  );
};

/** Axis, grid and tooltip styles from the theme, so dark mode reads well. */
export function useChartStyle() {
  const theme = useTheme();
  return {
    axis: {
      stroke: theme.palette.divider,
      tick: { fill: theme.palette.text.secondary, fontSize: 12 },
    },
    grid: { stroke: theme.palette.divider, strokeDasharray: '3 3' },
    tooltip: {
      contentStyle: {
        background: theme.palette.background.paper,
        borderColor: theme.palette.divider,
        color: theme.palette.text.primary,
      },
      labelStyle: { color: theme.palette.text.primary },
    },
    legend: { color: theme.palette.text.secondary },
    palette: theme.palette,
  };
}
