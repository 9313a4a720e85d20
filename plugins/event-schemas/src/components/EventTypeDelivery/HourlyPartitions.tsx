import { EmptyState } from '@backstage/core-components';
import { Heatmap, HourCell } from './hours';
import { HourDetails } from './HourDetails';
import { HourHeatmap } from './HourHeatmap';

/** The heatmap of the range, and the partitions of the hour selected in it. */
export const HourlyPartitions = (props: {
  eventType: string;
  heatmap: Heatmap;
  rangeWords: string;
  slaSeconds?: number;
  selected?: HourCell;
  onSelect: (cell: HourCell | undefined) => void;
}) => {
  const { heatmap, selected, onSelect } = props;
  return (
    <>
      <HourHeatmap
        heatmap={heatmap}
        rangeWords={props.rangeWords}
        slaSeconds={props.slaSeconds}
        selected={selected}
        onSelect={cell =>
          onSelect(
            selected?.start.getTime() === cell.start.getTime()
              ? undefined
              : cell,
          )
        }
      />
      {selected && (
        <HourDetails
          key={selected.start.getTime()}
          eventType={props.eventType}
          cell={selected}
          onClose={() => onSelect(undefined)}
        />
      )}
    </>
  );
};

/** Why there is no heatmap: nothing was ever received, or not lately. */
export const NoPartitions = (props: {
  rangeWords: string;
  everDelivered: boolean;
}) =>
  props.everDelivered ? (
    <EmptyState
      missing="data"
      title={`No partitions in the last ${props.rangeWords}`}
      description="No events of this type were received in this range. Choose a longer range to see earlier ones."
    />
  ) : (
    <EmptyState
      missing="data"
      title="No partitions yet"
      description="No partitions yet: the first appear once events of this type are received."
    />
  );
