export { DeliveryOverviewPage } from './DeliveryOverviewPage';
