import Tooltip from '@material-ui/core/Tooltip';

const local = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
const localWithSeconds = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** A time in the user's time zone, as the UI writes it. */
export function formatLocalTime(
  value: string | Date,
  options: { seconds?: boolean } = {},
): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return (options.seconds ? localWithSeconds : local).format(date);
}

/**
 * A time in the user's time zone, with the UTC time on hover (and to screen
 * readers, through the `<time>` element's `dateTime`).
 */
export const Timestamp = (props: {
  value: string | Date | undefined;
  seconds?: boolean;
}) => {
  if (props.value === undefined) return <>–</>;
  const date =
    typeof props.value === 'string' ? new Date(props.value) : props.value;
  if (Number.isNaN(date.getTime())) return <>{String(props.value)}</>;
  const utc = date.toISOString();
  return (
    <Tooltip title={`${utc.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`}>
      <time dateTime={utc}>
        {formatLocalTime(date, { seconds: props.seconds })}
      </time>
    </Tooltip>
  );
};
