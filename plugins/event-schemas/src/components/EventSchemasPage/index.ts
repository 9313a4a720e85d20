export { EventSchemasRouter as EventSchemasPage } from '../EventSchemasRouter';
