import { COMPATIBILITY_MODES, CompatibilityMode } from '../types';
import { slaDuration } from './durations';
import {
  DATA_SUBJECT_PROPERTY,
  PERSONAL_DATA_CLASSIFICATION,
} from './properties';
import { lifecycleOfStatus } from './status';
import { ContractError, ContractEventType } from './types';

// Bounds on the work one contract can cause, as schemas have theirs.
const MAX_DEPTH = 32;
const MAX_PROPERTIES = 10_000;
const PERSONAL_CLASSIFICATIONS = new Set([
  PERSONAL_DATA_CLASSIFICATION,
  'personal',
  'pii',
]);

type JsonObject = Record<string, unknown>;

class PropertyReader {
  readonly personalDataFields: string[] = [];
  dataSubject?: string;
  private count = 0;

  // The JSON Schema of an object with `properties` (a schema object, an
  // object property, an array's object items).
  objectSchema(owner: JsonObject, where: string, depth: number): JsonObject {
    const properties = owner.properties ?? [];
    if (!Array.isArray(properties)) {
      throw new ContractError(`${where}.properties must be a list`);
    }
    const schema: JsonObject = { type: 'object', properties: {} };
    const required: string[] = [];
    properties.forEach((value, index) => {
      const at = `${where}.properties[${index}]`;
      const property = object(value, at);
      if (typeof property.name !== 'string' || property.name === '') {
        throw new ContractError(`${at} has no name`);
      }
      const name = property.name;
      const target = schema.properties as JsonObject;
      if (Object.prototype.hasOwnProperty.call(target, name)) {
        throw new ContractError(`${at}: a second property named '${name}'`);
      }
      const path = this.pathOf(owner, name);
      target[name] = this.propertySchema(
        property,
        `${at} (${name})`,
        path,
        depth,
      );
      if (property.required === true) {
        required.push(name);
      }
    });
    if (required.length > 0) {
      schema.required = required;
    }
    return schema;
  }

  private readonly paths = new WeakMap<JsonObject, string>();

  private pathOf(owner: JsonObject, name: string): string {
    const prefix = this.paths.get(owner);
    return prefix ? `${prefix}.${name}` : name;
  }

  private propertySchema(
    property: JsonObject,
    where: string,
    path: string,
    depth: number,
  ): JsonObject {
    this.count++;
    if (this.count > MAX_PROPERTIES) {
      throw new ContractError(
        `The contract has more than ${MAX_PROPERTIES} properties`,
      );
    }
    if (depth >= MAX_DEPTH) {
      throw new ContractError(
        `${where} is nested deeper than ${MAX_DEPTH} levels`,
      );
    }
    if (
      typeof property.classification === 'string' &&
      PERSONAL_CLASSIFICATIONS.has(property.classification.toLowerCase())
    ) {
      this.personalDataFields.push(path);
    }
    const marks = customProperties(property.customProperties, where);
    if (marks.get(DATA_SUBJECT_PROPERTY) === true) {
      if (this.dataSubject !== undefined) {
        throw new ContractError(
          `${where}: a second data subject; '${this.dataSubject}' is one already`,
        );
      }
      this.dataSubject = path;
    }
    const schema = this.typeSchema(property, where, path, depth);
    if (typeof property.description === 'string') {
      schema.description = property.description;
    }
    return schema;
  }

  private typeSchema(
    property: JsonObject,
    where: string,
    path: string,
    depth: number,
  ): JsonObject {
    const options = object(
      property.logicalTypeOptions ?? {},
      `${where}.logicalTypeOptions`,
    );
    const pick = (...keys: string[]) =>
      Object.fromEntries(
        keys
          .filter(key => options[key] !== undefined)
          .map(key => [key, options[key]]),
      );
    switch (property.logicalType) {
      case undefined:
        return {};
      case 'string':
        return {
          type: 'string',
          ...pick('minLength', 'maxLength', 'pattern', 'format'),
        };
      case 'date':
        return { type: 'string', format: 'date' };
      case 'timestamp':
        return { type: 'string', format: 'date-time' };
      case 'time':
        return { type: 'string', format: 'time' };
      case 'integer':
      case 'number':
        return {
          type: property.logicalType,
          ...pick(
            'minimum',
            'maximum',
            'exclusiveMinimum',
            'exclusiveMaximum',
            'multipleOf',
          ),
        };
      case 'boolean':
        return { type: 'boolean' };
      case 'object':
        this.paths.set(property, path);
        return this.objectSchema(property, where, depth + 1);
      case 'array': {
        const schema: JsonObject = {
          type: 'array',
          ...pick('minItems', 'maxItems', 'uniqueItems'),
        };
        if (property.items !== undefined) {
          const items = object(property.items, `${where}.items`);
          schema.items = this.typeSchema(
            items,
            `${where}.items`,
            `${path}[]`,
            depth + 1,
          );
        }
        return schema;
      }
      default:
        throw new ContractError(
          `${where}: logicalType ${show(
            property.logicalType,
          )} is not one of string, date, timestamp, time, number, integer, object, array, boolean`,
        );
    }
  }
}

/**
 * The registry's create request for a data contract (ODCS v3.x), for teams
 * that write contracts: the name from the contract's `name` (or `id`), the
 * owner from `team.name`, the lifecycle from `status`, maximum lateness and
 * delivered retention from the `latency` and `retention` SLA properties,
 * personal-data fields from the properties classified as personal, and a
 * JSON Schema built from the one schema object's properties. Throws a
 * ContractError naming what cannot be mapped; the registry checks the rest
 * as for any create request.
 *
 * @public
 */
export function contractToEventType(contract: unknown): ContractEventType {
  const root = object(contract, 'The contract');
  if (root.kind !== 'DataContract') {
    throw new ContractError(
      `The contract's kind must be DataContract, got ${show(root.kind)}`,
    );
  }
  if (typeof root.apiVersion !== 'string' || !/^v3\./.test(root.apiVersion)) {
    throw new ContractError(
      `The contract's apiVersion must be an ODCS v3 version such as v3.1.0, got ${show(
        root.apiVersion,
      )}`,
    );
  }
  const schemaObject = onlySchemaObject(root.schema);
  const name = eventTypeName(root);
  const owner = teamName(root.team);
  const reader = new PropertyReader();
  const jsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...reader.objectSchema(schemaObject, 'schema[0]', 0),
  };
  const custom = customProperties(root.customProperties);
  const sla = slaValues(root.slaProperties);
  const title = optionalString(schemaObject.businessName);
  const description =
    optionalString(object(root.description ?? {}, 'description').purpose) ??
    optionalString(schemaObject.description);
  const compatibility = custom.get('compatibility');
  if (
    compatibility !== undefined &&
    !COMPATIBILITY_MODES.includes(compatibility as CompatibilityMode)
  ) {
    throw new ContractError(
      `customProperties 'compatibility' must be one of ${COMPATIBILITY_MODES.join(
        ', ',
      )}, got ${show(compatibility)}`,
    );
  }
  const rawRetention = custom.get('rawRetention');
  const retention = {
    ...(typeof rawRetention === 'string' ? { raw: rawRetention } : {}),
    ...(sla.retention ? { delivered: sla.retention } : {}),
  };
  return {
    name,
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    owner,
    ...(typeof root.status === 'string'
      ? { lifecycle: lifecycleOfStatus(root.status) }
      : {}),
    ...(Array.isArray(root.tags) && root.tags.length > 0
      ? { tags: root.tags.map(tag => String(tag)) }
      : {}),
    format: 'jsonschema',
    ...(compatibility
      ? { compatibility: compatibility as CompatibilityMode }
      : {}),
    ...(Object.keys(retention).length > 0 ? { retention } : {}),
    ...(sla.latency ? { sla: { maxLateness: sla.latency } } : {}),
    ...(reader.personalDataFields.length > 0
      ? { personalDataFields: reader.personalDataFields }
      : {}),
    ...(reader.dataSubject ? { dataSubject: reader.dataSubject } : {}),
    schema: JSON.stringify(jsonSchema, null, 2),
  };
}

function onlySchemaObject(schema: unknown): JsonObject {
  if (!Array.isArray(schema) || schema.length === 0) {
    throw new ContractError(
      'The contract has no schema: give one schema object whose properties are the fields of the event',
    );
  }
  if (schema.length > 1) {
    throw new ContractError(
      `An event type has one schema, and the contract has ${schema.length} schema objects; write one contract per event type`,
    );
  }
  const only = object(schema[0], 'schema[0]');
  if (only.logicalType !== undefined && only.logicalType !== 'object') {
    throw new ContractError(
      `schema[0] must be an object, got logicalType ${show(only.logicalType)}`,
    );
  }
  return only;
}

function eventTypeName(root: JsonObject): string {
  for (const candidate of [root.name, root.id]) {
    if (typeof candidate === 'string' && candidate !== '') {
      return candidate;
    }
  }
  throw new ContractError(
    "The contract has neither name nor id: its name becomes the event type's name, e.g. com.example.playback.started",
  );
}

function teamName(team: unknown): string {
  if (Array.isArray(team)) {
    throw new ContractError(
      "The contract's team is a list of members (ODCS before v3.1); give team.name, the owning group, e.g. group:default/playback",
    );
  }
  const name = team === undefined ? undefined : object(team, 'team').name;
  if (typeof name !== 'string' || name === '') {
    throw new ContractError(
      "The contract has no team.name: the owning group becomes the event type's owner, e.g. group:default/playback",
    );
  }
  return name;
}

function slaValues(sla: unknown): { latency?: string; retention?: string } {
  if (sla === undefined) {
    return {};
  }
  if (!Array.isArray(sla)) {
    throw new ContractError('slaProperties must be a list');
  }
  const values: { latency?: string; retention?: string } = {};
  sla.forEach((value, index) => {
    const item = object(value, `slaProperties[${index}]`);
    const property = item.property;
    // The other SLA properties (frequency: the pipeline's partition width,
    // and the rest) are not the event type's to set.
    if (property === 'latency' || property === 'retention') {
      values[property] = slaDuration({
        property,
        value: item.value,
        unit: item.unit,
      });
    }
  });
  return values;
}

function customProperties(
  value: unknown,
  where = 'The contract',
): Map<string, unknown> {
  const result = new Map<string, unknown>();
  if (value === undefined) {
    return result;
  }
  if (!Array.isArray(value)) {
    throw new ContractError(`${where}: customProperties must be a list`);
  }
  for (const item of value) {
    const entry = object(item, `${where}: a custom property`);
    if (typeof entry.property === 'string') {
      result.set(entry.property, entry.value);
    }
  }
  return result;
}

function object(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractError(`${what} must be an object, got ${show(value)}`);
  }
  return value as JsonObject;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
