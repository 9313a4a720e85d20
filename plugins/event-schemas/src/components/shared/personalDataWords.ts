import {
  ERASED_VALUE,
  MASKED_VALUE,
  personalDataReadPermission,
  UNREADABLE_VALUE,
} from '@data-collection/plugin-delivery-pipeline-common';

/** What the pipeline shows in place of a personal value it does not show. */
export type HiddenValueKind = 'masked' | 'erased' | 'unreadable';

/** Which hidden value `value` is, if it is one. */
export function hiddenValueKind(value: unknown): HiddenValueKind | undefined {
  switch (value) {
    case MASKED_VALUE:
      return 'masked';
    case ERASED_VALUE:
      return 'erased';
    case UNREADABLE_VALUE:
      return 'unreadable';
    default:
      return undefined;
  }
}

/** Why a value is hidden, in one sentence, for a tooltip and screen readers. */
export const HIDDEN_VALUE_EXPLANATIONS: Record<HiddenValueKind, string> = {
  masked: 'Masked: a personal value you may not read.',
  erased:
    'Erased: the person was erased and their key deleted, so no one can read this value again.',
  unreadable:
    'Unreadable: the stored value was changed after it was encrypted and fails authentication.',
};

/** What a pseudonym is, for a tooltip and screen readers. */
export const PSEUDONYM_EXPLANATION =
  'A pseudonym: it stands for the same person in every event until they are erased, so events can be counted and joined per person without knowing who it is.';

/** Who may read an event type's personal data in clear. */
export function whoMayReadPersonalData(eventType: string): string {
  return `Only the owners of ${eventType} and the data platform admins may read them (permission ${personalDataReadPermission.name}).`;
}
