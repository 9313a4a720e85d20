import { InfoCard, Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  EventType,
  eventTypeEntityName,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';
import { ReactNode } from 'react';
import { useEventSchemasLinks } from '../../../routes';
import {
  Timestamp,
  formatIsoDuration,
  COMPATIBILITY_MODE_EXPLANATIONS,
  OwnerOnlyButton,
  Principal,
  FORMAT_LABELS,
} from '../../shared';

const useStyles = makeStyles(theme => ({
  list: { margin: 0 },
  term: {
    ...theme.typography.overline,
    color: theme.palette.text.secondary,
    lineHeight: 1.5,
    marginTop: theme.spacing(1.5),
  },
  value: { ...theme.typography.body2, margin: 0, overflowWrap: 'anywhere' },
  description: { whiteSpace: 'pre-wrap' },
  tag: { marginRight: theme.spacing(0.5) },
  deprecation: {
    marginTop: theme.spacing(2),
    padding: theme.spacing(1, 1.5),
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    background: theme.palette.background.default,
  },
}));

const Detail = (props: { term: string; children: ReactNode }) => {
  const classes = useStyles();
  return (
    <>
      <dt className={classes.term}>{props.term}</dt>
      <dd className={classes.value}>{props.children}</dd>
    </>
  );
};

/** An event type's metadata, with a way for its owners to edit it. */
export const DetailsCard = (props: {
  eventType: EventType;
  onEdit: () => void;
}) => {
  const { eventType, onEdit } = props;
  const classes = useStyles();
  const links = useEventSchemasLinks();
  const { deprecation } = eventType;
  return (
    <InfoCard
      title="Details"
      action={
        <Box mt={1} mr={1}>
          <OwnerOnlyButton
            eventType={eventType}
            onClick={onEdit}
            startIcon={<EditIcon />}
            variant="outlined"
            size="small"
          >
            Edit details
          </OwnerOnlyButton>
        </Box>
      }
    >
      {eventType.description && (
        <Typography variant="body1" className={classes.description}>
          {eventType.description}
        </Typography>
      )}
      {deprecation && (
        <Box className={classes.deprecation} role="note">
          <Typography variant="subtitle2">
            Deprecated <Timestamp value={deprecation.deprecatedAt} /> by{' '}
            <Principal value={deprecation.deprecatedBy} />
          </Typography>
          <Typography variant="body2">{deprecation.reason}</Typography>
          {deprecation.successor && (
            <Typography variant="body2">
              Use{' '}
              {links ? (
                <Link to={links.eventType(deprecation.successor)}>
                  {deprecation.successor}
                </Link>
              ) : (
                deprecation.successor
              )}{' '}
              instead.
            </Typography>
          )}
        </Box>
      )}
      <dl className={classes.list}>
        <Detail term="Owner">
          <EntityRefLink entityRef={eventType.owner} defaultKind="group" />
        </Detail>
        <Detail term="Format">{FORMAT_LABELS[eventType.format]}</Detail>
        <Detail term="Compatibility">
          {eventType.compatibility}
          <Typography variant="body2" color="textSecondary" component="span">
            {' – '}
            {COMPATIBILITY_MODE_EXPLANATIONS[eventType.compatibility]}
          </Typography>
        </Detail>
        <Detail term="Lifecycle">{eventType.lifecycle}</Detail>
        <Detail term="Tags">
          {eventType.tags.length === 0
            ? 'None'
            : eventType.tags.map(tag => (
                <Chip
                  key={tag}
                  label={tag}
                  size="small"
                  className={classes.tag}
                />
              ))}
        </Detail>
        <Detail term="Retention">
          Raw events {formatIsoDuration(eventType.retention.raw)}, delivered
          events {formatIsoDuration(eventType.retention.delivered)}
        </Detail>
        <Detail term="Delivery SLA">
          Each hour delivered within{' '}
          {formatIsoDuration(eventType.sla.maxLateness)} of its end
        </Detail>
        <Detail term="Created">
          <Timestamp value={eventType.createdAt} /> by{' '}
          <Principal value={eventType.createdBy} />
        </Detail>
        <Detail term="Updated">
          <Timestamp value={eventType.updatedAt} />
        </Detail>
      </dl>
      <Box mt={2}>
        <EntityRefLink
          entityRef={{
            kind: 'API',
            namespace: 'default',
            name: eventTypeEntityName(eventType.name),
          }}
        >
          Open in catalog
        </EntityRefLink>
      </Box>
    </InfoCard>
  );
};
