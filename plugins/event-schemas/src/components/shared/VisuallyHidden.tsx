import { ReactNode } from 'react';

const style = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/** Text for screen readers only, such as the name of an icon-only column. */
export const VisuallyHidden = (props: { children: ReactNode }) => (
  <span style={style}>{props.children}</span>
);
