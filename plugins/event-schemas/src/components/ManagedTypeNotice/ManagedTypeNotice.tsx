import { Link, WarningPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Timestamp } from '../shared';

/**
 * Where a type managed from its owners' repository is managed, and the
 * refusal of the latest change pushed there, if it was refused. Nothing for
 * a type registered through the portal or the API.
 */
export const ManagedTypeNotice = (props: {
  eventType: Pick<EventType, 'name' | 'managedBy' | 'lastSync'>;
}) => {
  const { managedBy, lastSync } = props.eventType;
  if (!managedBy) return null;
  return (
    <Box mb={2}>
      <Typography variant="body2" component="p">
        Managed in{' '}
        <Link to={managedBy.location} target="_blank" rel="noopener">
          {managedBy.path}
        </Link>{' '}
        of <EntityRefLink entityRef={managedBy.entityRef} />: change the file
        and merge it to change this event type.
      </Typography>
      {lastSync?.status === 'refused' && (
        <Box mt={1}>
          <WarningPanel
            severity="error"
            title={`The latest change to ${managedBy.path} was not registered`}
            defaultExpanded
          >
            <Typography variant="body2" component="div">
              The registry keeps the type as it was. Checked{' '}
              <Timestamp value={lastSync.syncedAt} />:
              <ul>
                {lastSync.reasons.map(reason => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
              Fix{' '}
              {lastSync.location ? (
                <Link to={lastSync.location} target="_blank" rel="noopener">
                  the file
                </Link>
              ) : (
                'the file'
              )}{' '}
              and merge it; the next sync registers it.
            </Typography>
          </WarningPanel>
        </Box>
      )}
    </Box>
  );
};
