import { memo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatSeconds } from '../shared';
import { ChartFrame, useChartStyle } from './ChartFrame';
import {
  durationTicks,
  latenessSeries,
  latenessSummary,
  timeAxis,
} from './chartData';
import { formatHourRange, HourCell } from './hours';
import { DeliveryWindow, HOUR_MS } from './range';

const hourRange = (time: unknown) =>
  formatHourRange({
    start: new Date(Number(time)),
    end: new Date(Number(time) + HOUR_MS),
  });

const withinSla = (latenessSeconds: number, slaSeconds?: number) => {
  if (slaSeconds === undefined) return '–';
  return latenessSeconds <= slaSeconds ? 'Yes' : 'No';
};

/**
 * How late each hour was delivered (its worst partition), against the SLA:
 * points above the line missed it.
 */
export const LatenessChart = memo(
  (props: {
    hours: HourCell[];
    window: DeliveryWindow;
    rangeWords: string;
    slaSeconds?: number;
  }) => {
    const { slaSeconds } = props;
    const style = useChartStyle();
    const data = latenessSeries(props.hours);
    const summary = latenessSummary(data, props.rangeWords, slaSeconds);
    const yTicks = durationTicks(
      Math.max(slaSeconds ?? 0, ...data.map(p => p.latenessSeconds), 1),
    );
    return (
      <ChartFrame
        summary={summary}
        tableLabel="Lateness per hour"
        table={{
          columns: ['Hour', 'Lateness', 'Within the SLA'],
          rows: data.map(point => ({
            key: point.time,
            cells: [
              hourRange(point.time),
              formatSeconds(point.latenessSeconds),
              withinSla(point.latenessSeconds, slaSeconds),
            ],
          })),
        }}
      >
        <LineChart
          data={data}
          margin={{ top: 8, right: 8, left: 8, bottom: 0 }}
        >
          <CartesianGrid {...style.grid} vertical={false} />
          <XAxis {...timeAxis(props.window)} {...style.axis} />
          <YAxis
            domain={[0, yTicks[yTicks.length - 1]]}
            ticks={yTicks}
            tickFormatter={value => formatSeconds(Number(value))}
            width={76}
            {...style.axis}
          />
          <Tooltip
            labelFormatter={hourRange}
            formatter={value => [formatSeconds(Number(value)), 'Lateness']}
            {...style.tooltip}
          />
          {slaSeconds !== undefined && (
            <ReferenceLine
              y={slaSeconds}
              stroke={style.palette.error.main}
              strokeDasharray="6 4"
              label={{
                value: `SLA ${formatSeconds(slaSeconds)}`,
                position: 'insideTopRight',
                fill: style.palette.text.secondary,
                fontSize: 12,
              }}
            />
          )}
          <Line
            dataKey="latenessSeconds"
            name="Lateness"
            stroke={style.palette.primary.main}
            dot={{ r: 2 }}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartFrame>
    );
  },
);
