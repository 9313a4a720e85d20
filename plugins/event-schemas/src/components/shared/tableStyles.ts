import { CSSProperties } from 'react';

// Column styles of the plugin's tables. Event type names are long and
// dotted: they get room, and break after a dot (DottedName), mid-word only
// when a part is longer than the column.

export const NAME_CELL: CSSProperties = {
  minWidth: 220,
  overflowWrap: 'break-word',
};

export const OWNER_CELL: CSSProperties = { minWidth: 140 };
