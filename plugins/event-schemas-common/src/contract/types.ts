import { CompatibilityMode, EventTypeFormat } from '../types';

/**
 * An event type's metadata as the registry's create request has it, which
 * is also what an event type file holds: enough to write a contract for a
 * registered type and for a file that was never registered.
 *
 * @public
 */
export type EventTypeContractMetadata = {
  name: string;
  title?: string;
  description?: string;
  /** Catalog entity ref of the owning group, e.g. `group:default/playback`. */
  owner: string;
  lifecycle?: string;
  tags?: string[];
  format: EventTypeFormat;
  compatibility?: CompatibilityMode;
  /** ISO 8601 durations, e.g. `P30D`. */
  retention?: { raw?: string; delivered?: string };
  /** ISO 8601 duration, e.g. `PT4H`. */
  sla?: { maxLateness?: string };
  personalDataFields?: string[];
  dataSubject?: string;
};

/**
 * Where and how the delivery pipeline delivers an event type's data, as its
 * configuration says; every part is optional and left out of the contract
 * when unknown.
 *
 * @public
 */
export type EventTypeDelivery = {
  /** The span of receive time one partition covers, ISO 8601 (`PT1H`). */
  partitionWidth?: string;
  /** Where delivered partitions are written. */
  storage?:
    | { type: 'local'; directory: string }
    | { type: 'gcs'; bucket: string; prefix?: string };
  /** The BigQuery table that delivered partitions are loaded into. */
  bigQuery?: { project: string; dataset: string; table: string };
};

/**
 * What {@link eventTypeToContract} writes a contract from.
 *
 * @public
 */
export type EventTypeContractInput = {
  eventType: EventTypeContractMetadata;
  /** The schema text, in `eventType.format`. */
  schema: string;
  /** The registered version the schema is; absent for an unregistered file. */
  version?: number;
  delivery?: EventTypeDelivery;
};

/**
 * A create request for the registry (`POST /event-types`) written from a
 * contract by {@link contractToEventType}: always a JSON Schema.
 *
 * @public
 */
export type ContractEventType = EventTypeContractMetadata & {
  format: 'jsonschema';
  /** JSON Schema text. */
  schema: string;
};

/**
 * A property of a contract's schema (ODCS `SchemaProperty`), as far as the
 * registry writes and reads them.
 *
 * @public
 */
export type ContractProperty = {
  name?: string;
  logicalType?: ContractLogicalType;
  logicalTypeOptions?: Record<string, unknown>;
  physicalType?: string;
  description?: string;
  required?: boolean;
  classification?: string;
  properties?: ContractProperty[];
  items?: ContractProperty;
  customProperties?: ContractCustomProperty[];
};

/**
 * ODCS's logical types of a property.
 *
 * @public
 */
export type ContractLogicalType =
  | 'string'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'number'
  | 'integer'
  | 'object'
  | 'array'
  | 'boolean';

/**
 * A key and value the standard has no field for (ODCS `customProperties`).
 *
 * @public
 */
export type ContractCustomProperty = { property: string; value: unknown };

/**
 * A service level of the dataset (ODCS `slaProperties`): `latency`,
 * `retention`, `frequency`, with a value and a unit such as `h` or `d`.
 *
 * @public
 */
export type ContractSlaProperty = {
  property: string;
  value: string | number | boolean | null;
  unit?: string;
  description?: string;
};

/**
 * A data contract in the Open Data Contract Standard (ODCS) v3.1.0, with the
 * parts the registry writes; the standard has more.
 *
 * @public
 */
export type DataContract = {
  apiVersion: 'v3.1.0';
  kind: 'DataContract';
  id: string;
  name: string;
  version: string;
  status: string;
  tags?: string[];
  description?: { purpose?: string; usage?: string; limitations?: string };
  team?: { name: string; description?: string };
  schema: Array<{
    name: string;
    physicalName?: string;
    physicalType?: string;
    businessName?: string;
    description?: string;
    logicalType: 'object';
    properties: ContractProperty[];
  }>;
  slaProperties?: ContractSlaProperty[];
  servers?: Array<Record<string, unknown> & { server: string; type: string }>;
  customProperties?: ContractCustomProperty[];
};

/**
 * A contract that cannot be read as an event type; the message says what
 * to change.
 *
 * @public
 */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}
