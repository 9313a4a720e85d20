import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { ReactNode, useEffect, useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef } from '../../api';
import { useEventSchemasLinks } from '../../routes';
import {
  LoadError,
  Timestamp,
  useDeliverySignal,
  useSearchParam,
} from '../shared';
import { DeliverySummary } from './DeliverySummary';
import { FailedEvents } from './FailedEvents';
import { HourlyPartitions, NoPartitions } from './HourlyPartitions';
import { buildHeatmap, heatmapStart } from './hours';
import { LatenessChart } from './LatenessChart';
import {
  DEFAULT_RANGE,
  parseRange,
  RANGE_LABELS,
  RANGE_WORDS,
  rangeWindow,
} from './range';
import { RangeSelector } from './RangeSelector';
import { useRefreshClock } from './useRefreshClock';
import { VolumeChart } from './VolumeChart';

/** A card of the tab, its title a heading under the page's. */
const Section = (props: { title: string; children: ReactNode }) => (
  <InfoCard title={props.title} titleTypographyProps={{ component: 'h2' }}>
    {props.children}
  </InfoCard>
);

/** How often the tab reloads by itself without signals. */
const REFRESH_MS = 60_000;
/**
 * How often it reloads with signals, which announce each delivered, late or
 * missing partition of the type: polling only catches what a lost signal or
 * a dropped connection missed.
 */
const SIGNALLED_REFRESH_MS = 5 * 60_000;

/**
 * The delivery of one event type over a range: its health, every hour's
 * partitions as a heatmap, volume and lateness charts, and the events ingest
 * rejected. Each section loads, fails and retries on its own. It is also an
 * entity tab in the catalog, so it does not count on the plugin's page.
 */
export const EventTypeDelivery = (props: {
  eventType: string;
  /**
   * When the type was registered: the heatmap leaves the hours before it
   * blank rather than calling them missing.
   */
  registeredAt?: string;
}) => {
  const { eventType, registeredAt } = props;
  const api = useApi(deliveryPipelineApiRef);
  const links = useEventSchemasLinks();
  const [rangeParam, setRangeParam] = useSearchParam('range', DEFAULT_RANGE);
  const range = parseRange(rangeParam);
  const rangeWords = RANGE_WORDS[range];
  const [hourParam, setHourParam] = useSearchParam('hour');
  const { signal, isSignalsAvailable } = useDeliverySignal(eventType);
  const { now, refreshedAt, refresh, tick } = useRefreshClock(
    isSignalsAvailable ? SIGNALLED_REFRESH_MS : REFRESH_MS,
  );
  // A partition of this type changed: reload the health and partitions now
  // rather than at the next poll. The failed events (`refreshedAt`) stay,
  // as the signals are not about them.
  useEffect(() => {
    if (signal) tick();
  }, [signal, tick]);

  const loadWindow = useMemo(() => rangeWindow(range, now), [range, now]);
  const failedWindow = useMemo(
    () => rangeWindow(range, refreshedAt),
    [range, refreshedAt],
  );
  const from = loadWindow.from.getTime();
  const to = loadWindow.to.getTime();

  // Each with the range it was loaded for, so that a new range shows as
  // loading rather than the previous range's numbers under its title.
  const health = useAsyncRetry(
    async () => ({
      range,
      value: await api.getHealth(eventType, {
        from: new Date(from),
        to: new Date(to),
      }),
    }),
    [api, eventType, range, from, to],
  );
  const partitions = useAsyncRetry(async () => {
    const loadedFor = { from: new Date(from), to: new Date(to) };
    const { items } = await api.listPartitions({ eventType, ...loadedFor });
    return { range, window: loadedFor, items };
  }, [api, eventType, range, from, to]);

  const loaded = partitions.value;
  const loadedHealth =
    health.value?.range === range ? health.value.value : undefined;
  const slaMs = loadedHealth?.sla.maxLatenessMs;
  // The heatmap and the charts count lateness in seconds.
  const slaSeconds = slaMs === undefined ? undefined : slaMs / 1000;
  const heatmap = useMemo(
    () =>
      loaded &&
      buildHeatmap({
        partitions: loaded.items,
        window: {
          ...loaded.window,
          from: heatmapStart(loaded.window.from, registeredAt, loaded.items),
        },
        now: loaded.window.to,
        // An hour's partitions are due by its SLA; without them it is missing.
        dueAfterMs: slaMs ?? 0,
      }),
    [loaded, registeredAt, slaMs],
  );
  const selected = hourParam
    ? heatmap?.hours.find(cell => cell.start.toISOString() === hourParam)
    : undefined;
  const stale = loaded !== undefined && loaded.range !== range;

  let partitionSections;
  if (partitions.error) {
    partitionSections = (
      <Grid item xs={12}>
        <Section title="Partitions">
          <LoadError
            title="Could not load the partitions"
            error={partitions.error}
            onRetry={partitions.retry}
          />
        </Section>
      </Grid>
    );
  } else if (!loaded || !heatmap || stale) {
    partitionSections = (
      <Grid item xs={12}>
        <Section title="Partitions">
          <Progress />
        </Section>
      </Grid>
    );
  } else if (loaded.items.length === 0) {
    partitionSections = (
      <Grid item xs={12}>
        <Section title="Partitions">
          <NoPartitions
            rangeWords={rangeWords}
            everDelivered={loadedHealth?.lastDelivered !== undefined}
          />
        </Section>
      </Grid>
    );
  } else {
    partitionSections = (
      <>
        <Grid item xs={12}>
          <Section title="Partitions">
            <HourlyPartitions
              eventType={eventType}
              heatmap={heatmap}
              rangeWords={rangeWords}
              slaSeconds={slaSeconds}
              selected={selected}
              onSelect={cell => setHourParam(cell?.start.toISOString())}
            />
          </Section>
        </Grid>
        <Grid item xs={12} lg={6}>
          <Section title="Volume per hour">
            <VolumeChart
              hours={heatmap.hours}
              window={loaded.window}
              rangeWords={rangeWords}
            />
          </Section>
        </Grid>
        <Grid item xs={12} lg={6}>
          <Section title="Lateness">
            <LatenessChart
              hours={heatmap.hours}
              window={loaded.window}
              rangeWords={rangeWords}
              slaSeconds={slaSeconds}
            />
          </Section>
        </Grid>
      </>
    );
  }

  const reloading = health.loading || partitions.loading;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 16 }}
        >
          <RangeSelector
            value={range}
            onChange={next => {
              setRangeParam(next);
              refresh();
            }}
          />
          <Button
            size="small"
            variant="outlined"
            startIcon={<RefreshIcon />}
            onClick={refresh}
          >
            Refresh
          </Button>
          <Typography variant="body2" color="textSecondary">
            As of <Timestamp value={now} seconds />; refreshes every minute
          </Typography>
          {links && (
            <Link to={links.deliveryOverview()}>
              Delivery of all event types
            </Link>
          )}
        </Box>
        {/* Kept while the previous numbers stay on screen, so a refresh
            does not blank the page. */}
        <Box height={4} mt={1}>
          {reloading && <LinearProgress aria-label="Refreshing" />}
        </Box>
      </Grid>
      <Grid item xs={12}>
        <Section title={`Health, ${RANGE_LABELS[range].toLowerCase()}`}>
          <DeliverySummary
            eventType={eventType}
            health={loadedHealth}
            loading={health.loading}
            error={health.error}
            onRetry={health.retry}
          />
        </Section>
      </Grid>
      {partitionSections}
      <Grid item xs={12}>
        <Section title="Failed events">
          <FailedEvents eventType={eventType} window={failedWindow} />
        </Section>
      </Grid>
    </Grid>
  );
};
