import {
  CodeSnippet,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import {
  EventType,
  EventTypeVersion,
  resolveSchemaReferences,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useId, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { eventSchemasApiRef } from '../../../api';
import { LoadError, useSearchParam } from '../../shared';
import { exampleData } from './exampleData';
import { exampleEvent, randomEventId } from './exampleEvent';
import { curlSnippet, ingestUrl, sdkSnippet } from './sendSnippets';

const SNIPPETS = [
  { id: 'curl', label: 'curl', language: 'bash', make: curlSnippet },
  {
    id: 'node',
    label: 'CloudEvents SDK (Node)',
    language: 'javascript',
    make: sdkSnippet,
  },
] as const;

/**
 * An example event of the latest version, made from its schema, and how to
 * send it to the pipeline's ingest endpoint.
 */
export const ExampleEventCard = (props: {
  eventType: EventType;
  version: EventTypeVersion;
}) => {
  const { eventType, version } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const api = useApi(eventSchemasApiRef);
  const tabsId = useId();
  const [snippet, setSnippet] = useSearchParam('snippet', 'curl');
  // One id and time per view: the example stays put while the user reads.
  const [{ id, at }] = useState(() => ({
    id: randomEventId(),
    at: new Date(Math.floor(Date.now() / 1000) * 1000),
  }));

  const urls = useAsyncRetry(
    async () => ({
      registry: await discoveryApi.getBaseUrl('event-schemas'),
      pipeline: await discoveryApi.getBaseUrl('delivery-pipeline'),
    }),
    [discoveryApi],
  );

  // The versions the schema references are copied in first, as the
  // registry validates events with them: read through the API, so only
  // the types the user may read (a schema without references is as is).
  const resolved = useAsyncRetry(
    async () =>
      (
        await resolveSchemaReferences({
          format: eventType.format,
          schema: version.schema,
          load: async reference => {
            const referenced = await api.getEventType(reference.eventType);
            const versions = await api.listVersions(reference.eventType);
            const found = versions.find(v => v.version === reference.version);
            return found && { format: referenced.format, schema: found.schema };
          },
        })
      ).schema,
    [api, eventType.format, version.schema],
  );

  const example = useMemo(() => {
    if (resolved.value === undefined) return undefined;
    try {
      return exampleData({
        format: eventType.format,
        schema: resolved.value,
        at,
      });
    } catch (error) {
      return { error: error as Error };
    }
  }, [eventType.format, resolved.value, at]);

  let body;
  if (urls.loading || resolved.loading) {
    body = <Progress />;
  } else if (resolved.error || !example) {
    body = (
      <LoadError
        title="Could not read the versions the schema references"
        error={resolved.error ?? new Error('No schema')}
        onRetry={resolved.retry}
      />
    );
  } else if (urls.error || !urls.value) {
    body = (
      <LoadError
        title="Could not find the pipeline's address"
        error={urls.error ?? new Error('No address')}
        onRetry={urls.retry}
      />
    );
  } else if ('error' in example) {
    body = (
      <Typography color="error" role="alert">
        Could not make an example from the schema: {example.error.message}
      </Typography>
    );
  } else {
    const event = exampleEvent({
      eventType: eventType.name,
      version: version.version,
      registryBaseUrl: urls.value.registry,
      data: example.data,
      id,
      at,
    });
    const url = ingestUrl(urls.value.pipeline);
    const selected =
      SNIPPETS.find(candidate => candidate.id === snippet) ?? SNIPPETS[0];
    body = (
      <Grid container spacing={2}>
        {!example.valid && (
          <Grid item xs={12}>
            <WarningPanel
              title="This example does not pass the schema"
              message="Some constraints (such as a pattern) could not be met: change the data before sending it."
            >
              {example.errors.join('\n')}
            </WarningPanel>
          </Grid>
        )}
        <Grid item xs={12} lg={6}>
          <Typography variant="h6" component="h3" id={`${tabsId}-event`}>
            Example event
          </Typography>
          <Typography variant="body2" color="textSecondary" paragraph>
            A CloudEvent in the JSON format. <code>dataschema</code> pins
            version {version.version}; leave it out to validate against the
            latest version.
          </Typography>
          <section aria-labelledby={`${tabsId}-event`}>
            <CodeSnippet
              text={JSON.stringify(event, null, 2)}
              language="json"
              showCopyCodeButton
            />
          </section>
        </Grid>
        <Grid item xs={12} lg={6}>
          <Typography variant="h6" component="h3">
            Send it
          </Typography>
          <Typography variant="body2" color="textSecondary" paragraph>
            Set <code>TOKEN</code> to your service's Backstage external-access
            token. A <code>202</code> answer means the event is stored durably.
          </Typography>
          <Tabs
            value={selected.id}
            onChange={(_, value) => setSnippet(value)}
            aria-label="How to send the example event"
            indicatorColor="primary"
          >
            {SNIPPETS.map(candidate => (
              <Tab
                key={candidate.id}
                value={candidate.id}
                label={candidate.label}
                id={`${tabsId}-tab-${candidate.id}`}
                aria-controls={`${tabsId}-panel-${candidate.id}`}
              />
            ))}
          </Tabs>
          <Box
            role="tabpanel"
            id={`${tabsId}-panel-${selected.id}`}
            aria-labelledby={`${tabsId}-tab-${selected.id}`}
            pt={1}
          >
            <CodeSnippet
              text={selected.make({ url, event })}
              language={selected.language}
              showCopyCodeButton
            />
          </Box>
        </Grid>
      </Grid>
    );
  }

  return <InfoCard title="Send an event">{body}</InfoCard>;
};
