import { Link } from '@backstage/core-components';
import {
  EventTypeFormat,
  listSchemaReferences,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEventSchemasLinks } from '../../../routes';

/**
 * The registered versions a schema references (a JSON Schema's `$ref`s to
 * `<registry>/event-types/<name>/versions/<n>`, an Avro schema's types
 * named by such a URL), each a link to that version on its type's Versions
 * tab. Nothing when it references none.
 */
export const SchemaReferenceLinks = (props: {
  format: EventTypeFormat;
  schema: string;
}) => {
  const links = useEventSchemasLinks();
  const references = listSchemaReferences(props);
  if (references.length === 0) {
    return null;
  }
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        References
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Parts of this schema are defined by other registered versions, which
        events are validated with:
      </Typography>
      <ul aria-label="Referenced versions">
        {references.map(({ eventType, version }) => {
          const label = `${eventType}, version ${version}`;
          return (
            <li key={`${eventType}@${version}`}>
              {links ? (
                <Link
                  to={`${links.eventType(eventType, 'versions')}?to=${version}`}
                >
                  {label}
                </Link>
              ) : (
                label
              )}
            </li>
          );
        })}
      </ul>
    </Box>
  );
};
