import { Link } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import { useEventSchemasLinks } from '../../routes';
import { SlaStatusLabel, formatPercent, formatMs, Timestamp } from '../shared';
import { EventTypeRow } from './eventTypeRows';

/**
 * SLA compliance over the last 24 hours at a glance, linking to the type's
 * delivery tab; the last delivery and the lateness on hover or focus.
 */
export const DeliveryStatusCell = (props: {
  name: string;
  delivery: EventTypeRow['delivery'];
}) => {
  const links = useEventSchemasLinks();
  const { delivery } = props;
  if (!delivery) return <>–</>;
  const { health, status } = delivery;
  if (!health) {
    return <SlaStatusLabel status={status}>No events</SlaStatusLabel>;
  }
  const { due, met, compliance } = health.slaCompliance;
  const label = (
    <SlaStatusLabel status={status}>
      {due ? `${formatPercent(compliance)} on time` : 'None due'}
    </SlaStatusLabel>
  );
  return (
    <Tooltip
      title={
        <>
          <div>
            {due
              ? `${met} of ${due} partitions delivered on time`
              : 'No partition was due yet'}
          </div>
          <div>
            Last delivered:{' '}
            <Timestamp value={health.lastDelivered?.deliveredAt} />
          </div>
          <div>p95 lateness: {formatMs(health.latenessMs.p95)}</div>
        </>
      }
    >
      {/* A link, so keyboard users reach the details too. */}
      {links ? (
        <Link to={links.eventType(props.name, 'delivery')}>{label}</Link>
      ) : (
        <span>{label}</span>
      )}
    </Tooltip>
  );
};
