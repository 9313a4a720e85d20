import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import SearchIcon from '@material-ui/icons/Search';
import { SLA_STATUS_LABELS, SLA_STATUSES } from '../shared';
import { EventTypeFilters } from './eventTypeRows';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  search: { minWidth: 260, flexGrow: 1 },
  select: { minWidth: 160 },
}));

/** What each select offers, from the types registered. */
export type FilterOptions = {
  owners: string[];
  formats: string[];
  lifecycles: string[];
};

/** The distinct owners, formats and lifecycles, sorted. */
export function filterOptions(
  eventTypes: Array<{ owner: string; format: string; lifecycle: string }>,
): FilterOptions {
  const distinct = (values: string[]) =>
    [...new Set(values)].sort((a, b) => a.localeCompare(b));
  return {
    owners: distinct(eventTypes.map(t => t.owner)),
    formats: distinct(eventTypes.map(t => t.format)),
    lifecycles: distinct(eventTypes.map(t => t.lifecycle)),
  };
}

const FilterSelect = (props: {
  name: keyof EventTypeFilters;
  label: string;
  all: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
  disabled?: boolean;
  helperText?: string;
}) => {
  const classes = useStyles();
  // A value from a link that no type has any more stays selectable, so the
  // select shows what is applied.
  const options =
    props.value && !props.options.some(o => o.value === props.value)
      ? [...props.options, { value: props.value, label: props.value }]
      : props.options;
  return (
    <TextField
      select
      id={`event-types-${props.name}`}
      className={classes.select}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      disabled={props.disabled}
      helperText={props.helperText}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
    >
      <option value="">{props.all}</option>
      {options.map(option => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
};

const asOptions = (values: string[]) =>
  values.map(value => ({ value, label: value }));

/** Search and selects above the event types table. */
export const EventTypeFilterBar = (props: {
  filters: EventTypeFilters;
  options: FilterOptions;
  onChange: (name: keyof EventTypeFilters, value: string) => void;
  onClear: () => void;
  /** Whether delivery health is known, so the status filter can apply. */
  deliveryKnown: boolean;
  deliveryFailed?: boolean;
}) => {
  const classes = useStyles();
  const { filters, options, onChange } = props;
  const active = Object.values(filters).some(Boolean);
  return (
    <Box
      className={classes.bar}
      component="section"
      aria-label="Filter event types"
    >
      <TextField
        id="event-types-q"
        className={classes.search}
        label="Search"
        placeholder="Name, title, description, owner or tag"
        value={filters.q}
        onChange={e => onChange('q', e.target.value)}
        InputLabelProps={{ shrink: true }}
        InputProps={{
          type: 'search',
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      <FilterSelect
        name="owner"
        label="Owner"
        all="All owners"
        value={filters.owner}
        options={asOptions(options.owners)}
        onChange={value => onChange('owner', value)}
      />
      <FilterSelect
        name="format"
        label="Format"
        all="All formats"
        value={filters.format}
        options={asOptions(options.formats)}
        onChange={value => onChange('format', value)}
      />
      <FilterSelect
        name="lifecycle"
        label="Lifecycle"
        all="All lifecycles"
        value={filters.lifecycle}
        options={asOptions(options.lifecycles)}
        onChange={value => onChange('lifecycle', value)}
      />
      <FilterSelect
        name="status"
        label="SLA status, 24 h"
        all="Any status"
        value={filters.status}
        options={SLA_STATUSES.map(status => ({
          value: status,
          label: SLA_STATUS_LABELS[status],
        }))}
        onChange={value => onChange('status', value)}
        disabled={!props.deliveryKnown}
        helperText={props.deliveryFailed ? 'Delivery unavailable' : undefined}
      />
      {active && <Button onClick={props.onClear}>Clear filters</Button>}
    </Box>
  );
};
