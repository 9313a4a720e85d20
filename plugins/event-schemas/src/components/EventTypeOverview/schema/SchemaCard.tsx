import { EmptyState, InfoCard } from '@backstage/core-components';
import {
  EventType,
  EventTypeVersion,
  SchemaField,
  listFields,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import { SchemaEditor } from '../../SchemaEditor';
import { Timestamp, useSearchParam, Principal } from '../../shared';
import { ContractDownloadButton } from '../contract/ContractDownloadButton';
import { FieldTree } from './FieldTree';
import { SchemaReferenceLinks } from './SchemaReferenceLinks';

/** The fields of a schema, or why there are none to list. */
function fieldsOf(
  eventType: EventType,
  version: EventTypeVersion,
): { fields: SchemaField[] } | { error: string } {
  try {
    return {
      fields: listFields({ format: eventType.format, schema: version.schema }),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * A version's schema, as a field tree or (a toggle kept in the URL, so a
 * link can show either) as the registered text.
 */
export const SchemaCard = (props: {
  eventType: EventType;
  version: EventTypeVersion;
}) => {
  const { eventType, version } = props;
  const [view, setView] = useSearchParam('schema', 'fields');
  const showText = view === 'text';
  const listing = fieldsOf(eventType, version);

  let body;
  if (showText) {
    body = (
      <SchemaEditor
        label={`Schema of version ${version.version}`}
        value={version.schema}
        onChange={() => {}}
        readOnly
        height="480px"
      />
    );
  } else if ('error' in listing) {
    body = (
      <Typography color="error" role="alert">
        Could not read the schema: {listing.error}
      </Typography>
    );
  } else if (listing.fields.length === 0) {
    body = (
      <EmptyState
        missing="field"
        title="No named fields"
        description="The event's data is a single value, not a record: see the schema text."
      />
    );
  } else {
    body = (
      <FieldTree
        fields={listing.fields}
        personalDataFields={eventType.personalDataFields}
        dataSubject={eventType.dataSubject}
        label={`Fields of version ${version.version}`}
      />
    );
  }

  return (
    <InfoCard
      title={`Schema (version ${version.version}, the latest)`}
      subheader={
        // One span: the subheader is a flex box, which drops the spaces
        // between its children.
        <span>
          Registered <Timestamp value={version.createdAt} /> by{' '}
          <Principal value={version.createdBy} />
        </span>
      }
      action={
        <Box display="flex" alignItems="center">
          <FormControlLabel
            control={
              <Switch
                checked={showText}
                onChange={e => setView(e.target.checked ? 'text' : undefined)}
                color="primary"
              />
            }
            label="Show schema text"
          />
          <ContractDownloadButton
            name={eventType.name}
            version={version.version}
          />
        </Box>
      }
    >
      {body}
      <SchemaReferenceLinks format={eventType.format} schema={version.schema} />
    </InfoCard>
  );
};
