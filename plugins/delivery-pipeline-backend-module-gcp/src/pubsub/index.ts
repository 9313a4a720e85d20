export { PubSubNames, encodeEventType } from './PubSubNames';
export type { PubSubNamesOptions } from './PubSubNames';
export { PubSubProvisioner } from './PubSubProvisioner';
export type { PubSubProvisionerOptions } from './PubSubProvisioner';
export { PubSubEventTransport } from './PubSubEventTransport';
export type { PubSubEventTransportOptions } from './PubSubEventTransport';
export { createPubSubClients } from './createPubSubClients';
export type {
  PubSubClientsOptions,
  PubSubProtocol,
} from './createPubSubClients';
export type { MonitoringAuth } from './SubscriptionMetrics';
