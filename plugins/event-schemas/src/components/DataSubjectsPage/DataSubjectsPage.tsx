import { Content, InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { EventSchemasLayout } from '../shared';
import { EraseDataSubjectForm } from './EraseDataSubjectForm';

/** What erasing covers and what it does not, for whoever answers the request. */
const WhatErasingDoes = () => (
  <InfoCard
    title="What erasing does"
    titleTypographyProps={{ component: 'h2' }}
  >
    <Typography variant="body2" paragraph>
      Ingest encrypts the personal fields of every event with a key of the
      person it is about, the data subject, before anything is stored. Erasing
      deletes that person's keys: their personal data becomes unreadable in
      every stored copy at once (the transport, the raw and delivered files, the
      warehouse, previews), without anything having to find where their events
      went. Their failed events are deleted.
    </Typography>
    <Typography variant="body2" paragraph>
      Other people's data is untouched, and so are the fields of the person's
      events that are not personal: event ids, times and every field the event
      type does not mark as personal data.
    </Typography>
    <Typography variant="body2">
      Not covered: events whose data subject could not be read, such as events
      rejected without a readable subject, are tied to no one. They are kept as
      failed events until their retention deletes them (7 days by default).
    </Typography>
  </InfoCard>
);

/**
 * `<root>/data-subjects`, for privacy requests: erasing a person's personal
 * data from everything the pipeline stored. Named after the data subject,
 * as the event types' field and the pipeline's API are.
 */
export const DataSubjectsPage = () => (
  <EventSchemasLayout
    title="Data subjects"
    subtitle="Erase a person's personal data from everything the pipeline stored, on their request"
  >
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={7}>
          <InfoCard
            title="Erase a person"
            titleTypographyProps={{ component: 'h2' }}
          >
            <EraseDataSubjectForm />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={5}>
          <WhatErasingDoes />
        </Grid>
      </Grid>
    </Content>
  </EventSchemasLayout>
);
