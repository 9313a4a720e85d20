import {
  CompatibilityMode,
  CompatibilityScope,
  EventTypeFormat,
} from '@data-collection/plugin-event-schemas-common';

/** The schema languages by their names. */
export const FORMAT_LABELS: Record<EventTypeFormat, string> = {
  jsonschema: 'JSON Schema',
  avro: 'Avro',
};

/** What each compatibility mode lets a new version do, in one sentence. */
export const COMPATIBILITY_MODE_EXPLANATIONS: Record<
  CompatibilityMode,
  string
> = {
  NONE: 'Any schema is accepted: new versions are not checked against earlier ones.',
  BACKWARD:
    'Every event valid under the latest version must stay valid under the new one, so consumers on the new schema can read existing events.',
  BACKWARD_TRANSITIVE:
    'Every event valid under any earlier version must stay valid under the new one, so consumers on the new schema can read all existing events.',
  FORWARD:
    'Every event valid under the new version must be valid under the latest one, so consumers still on it can read new events.',
  FORWARD_TRANSITIVE:
    'Every event valid under the new version must be valid under every earlier one, so consumers on any version can read new events.',
  FULL: 'BACKWARD and FORWARD against the latest version: old and new consumers read old and new events.',
  FULL_TRANSITIVE:
    'BACKWARD and FORWARD against every earlier version: consumers on any version read events of any version.',
};

/** What each compatibility scope lets through, in one sentence. */
export const COMPATIBILITY_SCOPE_EXPLANATIONS: Record<
  CompatibilityScope,
  string
> = {
  ALL: 'The mode protects every field: any breaking change is refused.',
  CONSUMERS:
    'The mode protects the fields consumers read: a change that breaks only fields no consumer declares it reads (event-schemas/fields-read) is accepted, and recorded on the version.',
};

/** How the scopes read in forms and details. */
export const SCOPE_LABELS: Record<CompatibilityScope, string> = {
  ALL: 'Every field (ALL)',
  CONSUMERS: 'The fields consumers read (CONSUMERS)',
};
