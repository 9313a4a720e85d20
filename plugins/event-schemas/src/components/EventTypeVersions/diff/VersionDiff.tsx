import { InfoCard } from '@backstage/core-components';
import { EventTypeVersion } from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import { alpha, makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useMemo } from 'react';
import { useSearchParam } from '../../shared';
import { DiffLine, DiffRow, schemaDiff } from './schemaDiff';

const useStyles = makeStyles(theme => ({
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    tableLayout: 'fixed',
    fontFamily: 'monospace',
    fontSize: 12,
    border: `1px solid ${theme.palette.divider}`,
  },
  heading: {
    ...theme.typography.subtitle2,
    textAlign: 'left',
    padding: theme.spacing(0.5, 1),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  number: {
    width: 44,
    textAlign: 'right',
    padding: theme.spacing(0, 1),
    color: theme.palette.text.secondary,
    userSelect: 'none',
    verticalAlign: 'top',
  },
  sign: { width: 16, userSelect: 'none', verticalAlign: 'top' },
  text: {
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    verticalAlign: 'top',
    paddingRight: theme.spacing(1),
  },
  separator: { borderLeft: `1px solid ${theme.palette.divider}` },
  removed: { backgroundColor: alpha(theme.palette.error.main, 0.16) },
  added: { backgroundColor: alpha(theme.palette.success.main, 0.16) },
  empty: { backgroundColor: theme.palette.action.hover },
  addedCount: { color: theme.palette.success.main, fontWeight: 600 },
  removedCount: { color: theme.palette.error.main, fontWeight: 600 },
}));

/** One side's three cells: line number, +/− and the line. */
const Side = (props: {
  line?: DiffLine;
  change?: 'removed' | 'added';
  first?: boolean;
}) => {
  const classes = useStyles();
  const { line, change } = props;
  let tone: string | undefined;
  if (!line) tone = classes.empty;
  else if (change) tone = classes[change];
  const separator = props.first ? undefined : classes.separator;
  return (
    <>
      <td className={`${classes.number} ${tone ?? ''} ${separator ?? ''}`}>
        {line?.number}
      </td>
      <td className={`${classes.sign} ${tone ?? ''}`}>
        {line && change && (
          <>
            <span aria-hidden>{change === 'removed' ? '−' : '+'}</span>
            <Typography variant="srOnly">{change}</Typography>
          </>
        )}
      </td>
      <td className={`${classes.text} ${tone ?? ''}`}>{line?.text}</td>
    </>
  );
};

const Row = ({ row }: { row: DiffRow }) => {
  const changed = row.kind !== 'same';
  return (
    <tr>
      <Side line={row.left} change={changed ? 'removed' : undefined} first />
      <Side line={row.right} change={changed ? 'added' : undefined} />
    </tr>
  );
};

const VersionSelect = (props: {
  id: string;
  label: string;
  value: string;
  versions: EventTypeVersion[];
  onChange: (value: string) => void;
}) => (
  <TextField
    id={props.id}
    select
    label={props.label}
    value={props.value}
    onChange={e => props.onChange(e.target.value)}
    SelectProps={{ native: true }}
    variant="outlined"
    size="small"
    style={{ minWidth: 160, marginRight: 16 }}
  >
    {[...props.versions].reverse().map(version => (
      <option key={version.version} value={String(version.version)}>
        {`Version ${version.version}`}
      </option>
    ))}
  </TextField>
);

/**
 * Two versions' schemas side by side, changed lines highlighted. The pair
 * is in the URL (`?from=1&to=3`); by default the latest against the one
 * before it.
 */
export const VersionDiff = (props: { versions: EventTypeVersion[] }) => {
  const { versions } = props;
  const classes = useStyles();
  const id = useId();
  const latest = versions[versions.length - 1];
  const previous = versions[versions.length - 2] ?? latest;
  const [fromParam, setFrom] = useSearchParam('from', String(previous.version));
  const [toParam, setTo] = useSearchParam('to', String(latest.version));
  // A link to a version that does not exist falls back to the default.
  const find = (param: string, fallback: EventTypeVersion) =>
    versions.find(version => String(version.version) === param) ?? fallback;
  const from = find(fromParam, previous);
  const to = find(toParam, latest);
  const diff = useMemo(() => schemaDiff(from.schema, to.schema), [from, to]);

  if (versions.length < 2) {
    return (
      <InfoCard title="Compare versions">
        <Typography>
          There is only version {latest.version} so far: register another to
          compare them.
        </Typography>
      </InfoCard>
    );
  }

  const noChange = diff.added === 0 && diff.removed === 0;
  return (
    <InfoCard title="Compare versions">
      <Box display="flex" alignItems="center" flexWrap="wrap" mb={2}>
        <VersionSelect
          id={`${id}-from`}
          label="From"
          value={String(from.version)}
          versions={versions}
          onChange={setFrom}
        />
        <VersionSelect
          id={`${id}-to`}
          label="To"
          value={String(to.version)}
          versions={versions}
          onChange={setTo}
        />
        <Typography variant="body2" role="status">
          {noChange ? (
            'No differences'
          ) : (
            <>
              <span className={classes.addedCount}>+{diff.added}</span>{' '}
              <span className={classes.removedCount}>−{diff.removed}</span>{' '}
              lines
            </>
          )}
        </Typography>
      </Box>
      <Box overflow="auto">
        <table
          className={classes.table}
          aria-label={`Changes from version ${from.version} to version ${to.version}`}
        >
          {/* A fixed layout takes its widths from the first row, which here
              spans columns; the colgroup gives each column its own. */}
          <colgroup>
            <col style={{ width: 44 }} />
            <col style={{ width: 16 }} />
            <col />
            <col style={{ width: 44 }} />
            <col style={{ width: 16 }} />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th colSpan={3} className={classes.heading} scope="colgroup">
                Version {from.version}
              </th>
              <th colSpan={3} className={classes.heading} scope="colgroup">
                Version {to.version}
              </th>
            </tr>
          </thead>
          <tbody>
            {diff.rows.map((row, index) => (
              <Row key={index} row={row} />
            ))}
          </tbody>
        </table>
      </Box>
    </InfoCard>
  );
};
