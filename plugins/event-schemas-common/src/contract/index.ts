export { eventTypeToContract } from './eventTypeToContract';
export { contractToEventType } from './contractToEventType';
export { ContractError } from './types';
export type {
  ContractCustomProperty,
  ContractEventType,
  ContractLogicalType,
  ContractProperty,
  ContractSlaProperty,
  DataContract,
  EventTypeContractInput,
  EventTypeContractMetadata,
  EventTypeDelivery,
} from './types';
