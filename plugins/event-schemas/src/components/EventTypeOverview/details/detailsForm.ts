import {
  CompatibilityMode,
  CompatibilityScope,
  EventType,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeChange } from '../../../api';
import { readRegistryProblems } from '../../shared';

/** The editable details of an event type, as the form holds them. */
export type DetailsForm = {
  title: string;
  description: string;
  lifecycle: string;
  /** Comma-separated. */
  tags: string;
  compatibility: CompatibilityMode;
  compatibilityScope: CompatibilityScope;
  retentionRaw: string;
  retentionDelivered: string;
  slaMaxLateness: string;
  personalDataFields: string[];
  /** The data subject's field path; `''` for none. */
  dataSubject: string;
};

export type DetailsField = keyof DetailsForm;

/** A PATCH of the details; `null` removes a title or description. */
export type DetailsChange = EventTypeChange;

export function formOf(eventType: EventType): DetailsForm {
  return {
    title: eventType.title ?? '',
    description: eventType.description ?? '',
    lifecycle: eventType.lifecycle,
    tags: eventType.tags.join(', '),
    compatibility: eventType.compatibility,
    compatibilityScope: eventType.compatibilityScope ?? 'ALL',
    retentionRaw: eventType.retention.raw,
    retentionDelivered: eventType.retention.delivered,
    slaMaxLateness: eventType.sla.maxLateness,
    personalDataFields: eventType.personalDataFields,
    dataSubject: eventType.dataSubject ?? '',
  };
}

/** `a, b c` as `['a', 'b', 'c']`. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * The PATCH for what the form changed, and nothing else: an unchanged
 * detail is left out, so it cannot overwrite someone else's change to it
 * made in the meantime. An emptied title or description is removed (null).
 */
export function changeOf(
  form: DetailsForm,
  eventType: EventType,
): DetailsChange {
  const change: DetailsChange = {};
  const before = formOf(eventType);
  const title = form.title.trim();
  if (title !== before.title) change.title = title || null;
  const description = form.description.trim();
  if (description !== before.description) {
    change.description = description || null;
  }
  const lifecycle = form.lifecycle.trim();
  if (lifecycle !== before.lifecycle) change.lifecycle = lifecycle;
  const tags = splitList(form.tags);
  if (!sameList(tags, eventType.tags)) change.tags = tags;
  if (form.compatibility !== before.compatibility) {
    change.compatibility = form.compatibility;
  }
  if (form.compatibilityScope !== before.compatibilityScope) {
    change.compatibilityScope = form.compatibilityScope;
  }
  const raw = form.retentionRaw.trim();
  const delivered = form.retentionDelivered.trim();
  if (raw !== before.retentionRaw || delivered !== before.retentionDelivered) {
    change.retention = {
      ...(raw !== before.retentionRaw && { raw }),
      ...(delivered !== before.retentionDelivered && { delivered }),
    };
  }
  const maxLateness = form.slaMaxLateness.trim();
  if (maxLateness !== before.slaMaxLateness) change.sla = { maxLateness };
  if (
    !sameList(
      [...form.personalDataFields].sort(),
      [...eventType.personalDataFields].sort(),
    )
  ) {
    change.personalDataFields = form.personalDataFields;
  }
  const dataSubject = form.dataSubject.trim();
  if (dataSubject !== before.dataSubject) {
    change.dataSubject = dataSubject || null;
  }
  return change;
}

const FIELD_OF_PATH: Record<string, DetailsField> = {
  title: 'title',
  description: 'description',
  lifecycle: 'lifecycle',
  tags: 'tags',
  compatibility: 'compatibility',
  compatibilityScope: 'compatibilityScope',
  'retention.raw': 'retentionRaw',
  'retention.delivered': 'retentionDelivered',
  'sla.maxLateness': 'slaMaxLateness',
  personalDataFields: 'personalDataFields',
  dataSubject: 'dataSubject',
};

/** Why the registry refused a change, per form field where it says which. */
export type DetailsProblems = {
  fields: Partial<Record<DetailsField, string>>;
  /** Problems that name no field of the form. */
  other: string[];
};

/**
 * Reads the registry's 400 message, `Invalid change: sla.maxLateness: must
 * be ...; tags.1: must be ...`, into messages for the form's fields.
 */
export function problemsOf(
  message: string,
  change: DetailsChange,
): DetailsProblems {
  const problems: DetailsProblems = { fields: {}, other: [] };
  for (const problem of readRegistryProblems(message, change)) {
    const field = problem.path && FIELD_OF_PATH[problem.path];
    if (!field) {
      problems.other.push(
        problem.path ? `${problem.path}: ${problem.text}` : problem.text,
      );
      continue;
    }
    const known = problems.fields[field];
    problems.fields[field] = known ? `${known}; ${problem.text}` : problem.text;
  }
  return problems;
}
