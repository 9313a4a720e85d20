import { Content, Header, Page } from '@backstage/core-components';
import { EventTypesTable } from '../EventTypesTable';

/**
 * The "Event types" page for apps on the legacy frontend system, with its
 * own header (the new frontend system's page layout draws one itself).
 */
export const EventSchemasPage = () => (
  <Page themeId="tool">
    <Header
      title="Event types"
      subtitle="Every event type collected, its schema and its owner"
    />
    <Content>
      <EventTypesTable />
    </Content>
  </Page>
);
