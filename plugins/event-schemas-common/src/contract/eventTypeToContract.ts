import { listFields } from '../schema/listFields';
import { durationSla } from './durations';
import { contractProperties } from './properties';
import { statusOfLifecycle } from './status';
import {
  ContractCustomProperty,
  ContractSlaProperty,
  DataContract,
  EventTypeContractInput,
  EventTypeDelivery,
} from './types';

/**
 * The event type's data contract in the Open Data Contract Standard v3.1.0:
 * its schema as properties with logical types (personal-data fields
 * classified as `personal-data`, the data subject marked), the owner as the
 * team, the maximum lateness, delivered retention and partition width as SLA
 * properties, and where delivered data lives as servers. The contract's
 * version is the schema version (`draft` for a schema not registered yet).
 * Throws a SchemaError for an invalid schema.
 *
 * @public
 */
export function eventTypeToContract(
  input: EventTypeContractInput,
): DataContract {
  const { eventType, schema, version, delivery } = input;
  const fields = listFields({ format: eventType.format, schema });
  const customProperties: ContractCustomProperty[] = [
    { property: 'format', value: eventType.format },
  ];
  if (eventType.compatibility) {
    customProperties.push({
      property: 'compatibility',
      value: eventType.compatibility,
    });
  }
  if (eventType.retention?.raw) {
    customProperties.push({
      property: 'rawRetention',
      value: eventType.retention.raw,
    });
  }
  const servers = contractServers({ name: eventType.name, delivery });
  const slaProperties = contractSla({ eventType, delivery });
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: eventType.name,
    name: eventType.name,
    version: version === undefined ? 'draft' : String(version),
    status: statusOfLifecycle(eventType.lifecycle ?? 'experimental'),
    ...(eventType.tags?.length ? { tags: [...eventType.tags] } : {}),
    ...(eventType.description
      ? { description: { purpose: eventType.description } }
      : {}),
    team: { name: eventType.owner },
    schema: [
      {
        name: eventType.name,
        ...(delivery?.bigQuery
          ? { physicalName: delivery.bigQuery.table, physicalType: 'table' }
          : {}),
        ...(eventType.title ? { businessName: eventType.title } : {}),
        ...(eventType.description
          ? { description: eventType.description }
          : {}),
        logicalType: 'object',
        properties: contractProperties({
          fields,
          personalDataFields: eventType.personalDataFields ?? [],
          dataSubject: eventType.dataSubject,
        }),
      },
    ],
    ...(slaProperties.length > 0 ? { slaProperties } : {}),
    ...(servers.length > 0 ? { servers } : {}),
    customProperties,
  };
}

function contractSla(options: {
  eventType: EventTypeContractInput['eventType'];
  delivery?: EventTypeDelivery;
}): ContractSlaProperty[] {
  const { eventType, delivery } = options;
  const sla: ContractSlaProperty[] = [];
  if (eventType.sla?.maxLateness) {
    sla.push(
      durationSla({
        property: 'latency',
        duration: eventType.sla.maxLateness,
        description:
          'Maximum lateness: how long after the end of its partition a partition is delivered',
      }),
    );
  }
  if (eventType.retention?.delivered) {
    sla.push(
      durationSla({
        property: 'retention',
        duration: eventType.retention.delivered,
        description: 'How long delivered partitions are kept',
      }),
    );
  }
  if (delivery?.partitionWidth) {
    sla.push(
      durationSla({
        property: 'frequency',
        duration: delivery.partitionWidth,
        description:
          'Partition width: events are delivered in partitions of this span of receive time',
      }),
    );
  }
  return sla;
}

function contractServers(options: {
  name: string;
  delivery?: EventTypeDelivery;
}): DataContract['servers'] & object {
  const { name, delivery } = options;
  const servers: DataContract['servers'] & object = [];
  const folder = `delivered/${name}`;
  const description =
    'Delivered partitions: deduplicated events as gzipped newline-delimited JSON, one folder per partition (<yyyy-mm-dd>/<hh>)';
  const storage = delivery?.storage;
  if (storage?.type === 'local') {
    servers.push({
      server: 'delivered',
      type: 'local',
      description,
      path: `${storage.directory.replace(/\/+$/, '')}/${folder}/`,
      format: 'json',
    });
  } else if (storage?.type === 'gcs') {
    // ODCS has no Cloud Storage server type; `custom` takes a location.
    const prefix = storage.prefix ?? '';
    servers.push({
      server: 'delivered',
      type: 'custom',
      description,
      location: `gs://${storage.bucket}/${prefix}${folder}/`,
      format: 'json',
    });
  }
  if (delivery?.bigQuery) {
    servers.push({
      server: 'warehouse',
      type: 'bigquery',
      description: `BigQuery table ${delivery.bigQuery.table}, one partition per hour`,
      project: delivery.bigQuery.project,
      dataset: delivery.bigQuery.dataset,
    });
  }
  return servers;
}
