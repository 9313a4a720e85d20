import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EventType,
  eventTypeEntityName,
} from '@data-collection/plugin-event-schemas-common';
import { personalDataReadPermission } from './permissions';

/**
 * Annotation holding the name of the event type whose delivered events the
 * dataset holds; the way back from the entity to the registry and pipeline.
 *
 * @public
 */
export const ANNOTATION_DATASET_EVENT_TYPE = 'delivery-pipeline/event-type';

/**
 * Annotation holding the URL of the folder the delivered partitions are
 * written to, e.g. `gs://bucket/delivered/com.example.playback.started`.
 * Absent while the pipeline could not be asked.
 *
 * @public
 */
export const ANNOTATION_DATASET_LOCATION = 'delivery-pipeline/location';

/**
 * Annotation holding how long raw partitions are kept, ISO 8601 (`P7D`).
 *
 * @public
 */
export const ANNOTATION_DATASET_RAW_RETENTION =
  'delivery-pipeline/raw-retention';

/**
 * Annotation holding how long delivered partitions are kept, ISO 8601 (`P400D`).
 *
 * @public
 */
export const ANNOTATION_DATASET_DELIVERED_RETENTION =
  'delivery-pipeline/delivered-retention';

/**
 * Annotation holding the service level: the latest a partition may be
 * delivered after its end, ISO 8601 (`PT2H`).
 *
 * @public
 */
export const ANNOTATION_DATASET_SLA_MAX_LATENESS =
  'delivery-pipeline/sla-max-lateness';

/**
 * Annotation holding the URL of the event type's delivery page in the portal.
 *
 * @public
 */
export const ANNOTATION_DATASET_DELIVERY_PAGE =
  'delivery-pipeline/delivery-page';

/**
 * Annotation listing the fields of the events' `data` that hold personal
 * data, the data subject's included: their paths as the registry writes
 * them, comma-separated (`user_id,user.email,contacts[].email`). Absent when
 * the events hold none.
 *
 * @public
 */
export const ANNOTATION_DATASET_PERSONAL_DATA_FIELDS =
  'delivery-pipeline/personal-data-fields';

/**
 * Annotation holding the path of the field that names the person each event
 * is about (the data subject), e.g. `user_id`.
 *
 * @public
 */
export const ANNOTATION_DATASET_DATA_SUBJECT = 'delivery-pipeline/data-subject';

/**
 * Annotation saying how the personal data is stored; its one value is
 * {@link PERSONAL_DATA_STORAGE_PER_SUBJECT}.
 *
 * @public
 */
export const ANNOTATION_DATASET_PERSONAL_DATA_STORAGE =
  'delivery-pipeline/personal-data-storage';

/**
 * Each personal value is ciphertext (`pd1:<key id>:<sealed>`) under a key of
 * its data subject, and the subject's field is their pseudonym
 * (`ps1:<key id>`): erasing the person deletes the key, and with it their
 * data in every copy.
 *
 * @public
 */
export const PERSONAL_DATA_STORAGE_PER_SUBJECT = 'encrypted-per-data-subject';

/**
 * The personal data annotations of a dataset's entities (the delivered
 * dataset and its warehouse tables): which fields, whose, and how they are
 * stored. None when the event type has no personal data.
 *
 * @public
 */
export function personalDataAnnotations(
  eventType: Pick<EventType, 'personalDataFields' | 'dataSubject'>,
): Record<string, string> {
  const fields = personalFieldsOf(eventType);
  if (fields.length === 0) {
    return {};
  }
  return {
    [ANNOTATION_DATASET_PERSONAL_DATA_FIELDS]: fields.join(','),
    ...(eventType.dataSubject
      ? { [ANNOTATION_DATASET_DATA_SUBJECT]: eventType.dataSubject }
      : {}),
    [ANNOTATION_DATASET_PERSONAL_DATA_STORAGE]:
      PERSONAL_DATA_STORAGE_PER_SUBJECT,
  };
}

/**
 * A sentence for a dataset entity's description saying what of it is
 * personal data and who may read it; empty without personal data.
 *
 * @public
 */
export function describePersonalData(
  eventType: Pick<EventType, 'personalDataFields' | 'dataSubject'>,
): string {
  const { dataSubject } = eventType;
  const fields = personalFieldsOf(eventType).filter(f => f !== dataSubject);
  const parts = [
    fields.length > 0 &&
      `${fields.join(', ')} ${
        fields.length > 1 ? 'are' : 'is'
      } personal data, encrypted with a key per person${
        dataSubject ? ` (the person named by ${dataSubject})` : ''
      }: erasing the person makes their values unreadable in every copy, and reading them in clear needs ${
        personalDataReadPermission.name
      }.`,
    dataSubject &&
      `${dataSubject} holds the person's pseudonym, not their id, the same in every event type until they are erased.`,
  ];
  return parts.filter(Boolean).join(' ');
}

/** The personal fields, the data subject's included, once each. */
function personalFieldsOf(
  eventType: Pick<EventType, 'personalDataFields' | 'dataSubject'>,
): string[] {
  const fields = new Set(eventType.personalDataFields);
  if (eventType.dataSubject) fields.add(eventType.dataSubject);
  return [...fields];
}

const DATASET_SUFFIX = '-dataset';

/**
 * The `metadata.name` of the catalog `Resource` entity of an event type's
 * delivered dataset: the name of its `API` entity (see
 * `eventTypeEntityName`) with a `-dataset` suffix.
 *
 * @remarks
 *
 * Where that would exceed 63 characters, the name is shortened the way
 * `eventTypeEntityName` shortens: its first characters, a `-`, the 64-bit
 * hash of the whole event type name (the same hash a shortened `API` entity
 * name ends with), then the suffix.
 *
 * @public
 */
export function datasetEntityName(eventTypeName: string): string {
  return eventTypeEntityName(eventTypeName, DATASET_SUFFIX);
}

/**
 * The entity ref of an event type's delivered dataset, e.g.
 * `resource:default/com.example.playback.started-dataset`; what consumers
 * put in their `spec.dependsOn`.
 *
 * @public
 */
export function datasetEntityRef(eventTypeName: string): string {
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: DEFAULT_NAMESPACE,
    name: datasetEntityName(eventTypeName),
  });
}
