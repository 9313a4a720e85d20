import { InfoCard } from '@backstage/core-components';
import {
  ConsumerCheck,
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Timestamp, Principal, useSearchParam } from '../shared';
import { RemovalImpactButton } from './removal/RemovalImpactButton';
import { RemovalImpactDialog } from './removal/RemovalImpactDialog';

const useStyles = makeStyles(theme => ({
  fingerprint: { fontFamily: 'monospace' },
  chip: { marginLeft: theme.spacing(1) },
}));

/** `sha256:1a2b3c4d5e6f…`: enough to tell versions apart at a glance. */
function shortFingerprint(fingerprint: string): string {
  const [algorithm, digest] = fingerprint.includes(':')
    ? fingerprint.split(':', 2)
    : ['', fingerprint];
  return `${algorithm ? `${algorithm}:` : ''}${digest.slice(0, 12)}…`;
}

/**
 * How a version that breaks the mode was accepted: which problems were
 * waived, and which consumers (reading which fields) it was checked against.
 */
const AcceptedForConsumers = (props: { check: ConsumerCheck }) => {
  const { problems, consumers } = props.check;
  const checked = consumers
    .map(
      consumer =>
        `${consumer.entityRef} (${
          consumer.fieldsRead ? consumer.fieldsRead.join(', ') : 'every field'
        })`,
    )
    .join('; ');
  return (
    <Box mt={0.5}>
      <Typography variant="body2">
        Accepted under the CONSUMERS scope
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {problems.length} breaking change{problems.length === 1 ? '' : 's'} that
        no consumer reads: {problems.map(problem => problem.message).join('; ')}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        Checked against {consumers.length === 0 ? 'no consumers' : checked}
      </Typography>
    </Box>
  );
};

/**
 * Every version of a type, newest first, each with who breaks if it is
 * removed (`?removal=N` in the URL, so that the answer can be shared).
 */
export const VersionsTable = (props: {
  eventType: Pick<EventType, 'name' | 'compatibility'>;
  versions: EventTypeVersion[];
}) => {
  const { eventType, versions } = props;
  const classes = useStyles();
  const [removalParam, setRemoval] = useSearchParam('removal');
  const newestFirst = [...versions].reverse();
  const latest = newestFirst[0]?.version;
  // Only a version that exists and has one before it: anything else in the
  // URL (a typo, a version since gone) opens nothing.
  const removal = versions.find(
    version => version.version > 1 && String(version.version) === removalParam,
  )?.version;
  return (
    <InfoCard title={`Versions (${versions.length})`} noPadding>
      <Table size="small" aria-label="Versions">
        <TableHead>
          <TableRow>
            <TableCell>Version</TableCell>
            <TableCell>Registered</TableCell>
            <TableCell>By</TableCell>
            <TableCell>Fingerprint</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {newestFirst.map(version => (
            <TableRow key={version.version}>
              <TableCell>
                {`Version ${version.version}`}
                {version.version === latest && (
                  <Chip
                    label="latest"
                    size="small"
                    color="primary"
                    className={classes.chip}
                  />
                )}
              </TableCell>
              <TableCell>
                <Timestamp value={version.createdAt} />
              </TableCell>
              <TableCell>
                <Principal value={version.createdBy} />
              </TableCell>
              <TableCell>
                <Tooltip title={version.fingerprint}>
                  <span className={classes.fingerprint}>
                    {shortFingerprint(version.fingerprint)}
                  </span>
                </Tooltip>
              </TableCell>
              <TableCell>
                {version.deprecation ? (
                  <>
                    <Typography variant="body2">Deprecated</Typography>
                    <Typography variant="caption" color="textSecondary">
                      {version.deprecation.reason}
                      {version.deprecation.successor &&
                        ` Use version ${version.deprecation.successor}.`}
                    </Typography>
                  </>
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    Active
                  </Typography>
                )}
                {version.consumerCheck && (
                  <AcceptedForConsumers check={version.consumerCheck} />
                )}
              </TableCell>
              <TableCell>
                <RemovalImpactButton
                  version={version.version}
                  onClick={() => setRemoval(String(version.version))}
                />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {removal !== undefined && (
        <RemovalImpactDialog
          eventType={eventType}
          version={removal}
          onClose={() => setRemoval(undefined)}
        />
      )}
    </InfoCard>
  );
};
