import { CSSProperties } from 'react';

// Column styles of the plugin's tables. Event type names are long and
// dotted: they get room, and break after a dot rather than mid-word.

export const NAME_CELL: CSSProperties = {
  minWidth: 260,
  overflowWrap: 'anywhere',
};

export const OWNER_CELL: CSSProperties = { minWidth: 140 };
