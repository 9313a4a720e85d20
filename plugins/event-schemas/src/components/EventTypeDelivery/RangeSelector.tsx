import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import { DELIVERY_RANGES, DeliveryRange, RANGE_LABELS } from './range';

/** The time range of the tab, as a group of toggle buttons. */
export const RangeSelector = (props: {
  value: DeliveryRange;
  onChange: (range: DeliveryRange) => void;
}) => (
  <ButtonGroup size="small" color="primary" aria-label="Time range">
    {DELIVERY_RANGES.map(range => (
      <Button
        key={range}
        aria-pressed={props.value === range}
        variant={props.value === range ? 'contained' : 'outlined'}
        onClick={() => props.onChange(range)}
      >
        {RANGE_LABELS[range]}
      </Button>
    ))}
  </ButtonGroup>
);
