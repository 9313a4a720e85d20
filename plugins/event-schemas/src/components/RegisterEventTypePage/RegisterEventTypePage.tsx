import { Content } from '@backstage/core-components';
import { EventSchemasLayout } from '../shared';
import { RegisterEventTypeForm } from './RegisterEventTypeForm';

/**
 * `<root>/new`: registering an event type. The form keeps its state below
 * the page frame, whose theme would otherwise be rebuilt, and every styled
 * component under it rendered again, on each keystroke.
 */
export const RegisterEventTypePage = () => (
  <EventSchemasLayout
    title="Register an event type"
    subtitle="Its schema becomes version 1; the registry adds it to the catalog as an API with its dataset"
  >
    <Content>
      <RegisterEventTypeForm />
    </Content>
  </EventSchemasLayout>
);
