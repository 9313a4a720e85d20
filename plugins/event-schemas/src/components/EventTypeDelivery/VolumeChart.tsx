import { memo } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCount } from '../shared';
import { ChartFrame, useChartStyle } from './ChartFrame';
import { timeAxis, volumeSeries, volumeSummary } from './chartData';
import { formatHourRange, HourCell } from './hours';
import { DeliveryWindow, HOUR_MS } from './range';

const hourRange = (time: unknown) =>
  formatHourRange({
    start: new Date(Number(time)),
    end: new Date(Number(time) + HOUR_MS),
  });

/** Events received per hour, with what the deduper and ingest dropped. */
export const VolumeChart = memo(
  (props: {
    hours: HourCell[];
    window: DeliveryWindow;
    rangeWords: string;
  }) => {
    const style = useChartStyle();
    const data = volumeSeries(props.hours);
    const summary = volumeSummary(data, props.rangeWords);
    return (
      <ChartFrame
        summary={summary}
        tableLabel="Events per hour"
        table={{
          columns: ['Hour', 'Received', 'Duplicates', 'Failed'],
          rows: data.map(point => ({
            key: point.time,
            cells: [
              hourRange(point.time),
              formatCount(point.received),
              formatCount(point.duplicates),
              formatCount(point.failed),
            ],
          })),
        }}
      >
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 8, left: 8, bottom: 0 }}
        >
          <CartesianGrid {...style.grid} vertical={false} />
          <XAxis {...timeAxis(props.window)} {...style.axis} />
          <YAxis
            tickFormatter={value => formatCount(Number(value))}
            allowDecimals={false}
            width={56}
            {...style.axis}
          />
          <Tooltip
            labelFormatter={hourRange}
            formatter={value => formatCount(Number(value))}
            {...style.tooltip}
          />
          <Legend wrapperStyle={style.legend} />
          <Bar
            dataKey="received"
            name="Received"
            fill={style.palette.primary.main}
            isAnimationActive={false}
          />
          <Line
            dataKey="duplicates"
            name="Duplicates"
            stroke={style.palette.warning.main}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="failed"
            name="Failed"
            stroke={style.palette.error.main}
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ChartFrame>
    );
  },
);
