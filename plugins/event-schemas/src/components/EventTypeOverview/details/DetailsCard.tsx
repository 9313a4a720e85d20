import { InfoCard } from '@backstage/core-components';
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
import {
  Timestamp,
  formatIsoDuration,
  COMPATIBILITY_MODE_EXPLANATIONS,
  COMPATIBILITY_SCOPE_EXPLANATIONS,
  SCOPE_LABELS,
  OwnerOnlyButton,
  Principal,
  FORMAT_LABELS,
} from '../../shared';
import { LifecycleNote } from '../lifecycle/LifecycleNote';

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
  /** Called with the type after a deprecation, retirement or its undoing. */
  onLifecycleChange: (updated: EventType) => void;
}) => {
  const { eventType, onEdit, onLifecycleChange } = props;
  const classes = useStyles();
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
      <LifecycleNote eventType={eventType} onChanged={onLifecycleChange} />
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
        <Detail term="Checked against">
          {SCOPE_LABELS[eventType.compatibilityScope ?? 'ALL']}
          <Typography variant="body2" color="textSecondary" component="span">
            {' – '}
            {
              COMPATIBILITY_SCOPE_EXPLANATIONS[
                eventType.compatibilityScope ?? 'ALL'
              ]
            }
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
