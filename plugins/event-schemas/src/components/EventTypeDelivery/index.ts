export { EventTypeDelivery } from './EventTypeDelivery';
