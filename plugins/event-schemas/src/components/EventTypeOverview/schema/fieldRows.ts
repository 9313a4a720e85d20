import {
  isInsideField,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';

/** A field as the field tree draws it. */
export type FieldRow = {
  field: SchemaField;
  /** How many listed fields enclose it: 0 at the top of the event. */
  depth: number;
  /** The closest enclosing field's path. */
  parent?: string;
  /**
   * `own` when the field is declared personal data, `inherited` when a field
   * enclosing it is (the user's email inside a personal `user`).
   */
  personalData?: 'own' | 'inherited';
  /** Whether the field names the person the event is about. */
  dataSubject: boolean;
};

/** listFields' fields (schema order, parents first) as rows of a tree. */
export function fieldRows(
  fields: SchemaField[],
  personalDataFields: string[],
  dataSubject?: string,
): FieldRow[] {
  const personal = new Set(personalDataFields);
  return fields.map(field => {
    const ancestors = fields.filter(other =>
      isInsideField({ path: field.path, parent: other.path }),
    );
    const parent = ancestors.reduce<string | undefined>(
      (closest, other) =>
        closest === undefined || other.path.length > closest.length
          ? other.path
          : closest,
      undefined,
    );
    let personalData: FieldRow['personalData'];
    if (personal.has(field.path)) personalData = 'own';
    else if (
      personalDataFields.some(p =>
        isInsideField({ path: field.path, parent: p }),
      )
    ) {
      personalData = 'inherited';
    }
    return {
      field,
      depth: ancestors.length,
      parent,
      personalData,
      dataSubject: field.path === dataSubject,
    };
  });
}
