import { Link } from '@backstage/core-components';
import { useEventSchemasLinks } from '../../routes';

/**
 * Links to the type's page and its delivery tab; none where the app has not
 * mounted the plugin's page.
 */
export const EventTypeLinks = ({ eventType }: { eventType: string }) => {
  const links = useEventSchemasLinks();
  if (!links) return null;
  return (
    <>
      <Link to={links.eventType(eventType)}>Open event type</Link>
      <Link to={links.eventType(eventType, 'delivery')}>Delivery</Link>
    </>
  );
};
