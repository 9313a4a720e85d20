export {
  formatCount,
  formatIsoDuration,
  formatMs,
  formatPercent,
  formatSeconds,
  isoDurationSeconds,
} from './format';
export { LoadError } from './LoadError';
export { Timestamp, formatLocalTime } from './Timestamp';
export { useCanEdit } from './useCanEdit';
export { useSearchParam } from './useSearchParam';
export { EventSchemasLayout } from './EventSchemasLayout';
export { errorMessage, isForbidden, isNotFound } from './errors';
export {
  slaStatusOf,
  compareCompliance,
  SLA_STATUSES,
  SLA_STATUS_LABELS,
} from './slaStatus';
export type { SlaStatus } from './slaStatus';
export { SlaStatusLabel } from './SlaStatusLabel';
export { PartialLoadWarning } from './PartialLoadWarning';
export { NAME_CELL, OWNER_CELL } from './tableStyles';
export {
  COMPATIBILITY_MODE_EXPLANATIONS,
  COMPATIBILITY_SCOPE_EXPLANATIONS,
  FORMAT_LABELS,
  SCOPE_LABELS,
} from './schemaWords';
export { Principal } from './Principal';
export { OwnerOnlyButton } from './OwnerOnlyButton';
export { readRegistryProblems } from './registryProblems';
export type { RegistryProblem } from './registryProblems';
export { DottedName } from './DottedName';
export { checkPersonalData, DATA_SUBJECT_HELP } from './personalData';
export type { PersonalDataProblems } from './personalData';
export { VisuallyHidden } from './VisuallyHidden';
export { Fact, Facts } from './Facts';
export { CODE_INPUT_PROPS } from './codeInputProps';
export { PersonalValueChip } from './PersonalValueChip';
export {
  hiddenValueKind,
  HIDDEN_VALUE_EXPLANATIONS,
  whoMayReadPersonalData,
} from './personalDataWords';
export type { HiddenValueKind } from './personalDataWords';
export { useDeliverySignal } from './useDeliverySignal';
