import { Fragment } from 'react';

/**
 * An event type name that a narrow column wraps after its dots
 * (`com.example.` / `playback.started`) rather than mid-word.
 */
export const DottedName = ({ name }: { name: string }) => (
  <>
    {name.split('.').map((part, index, parts) => (
      <Fragment key={index}>
        {part}
        {index < parts.length - 1 && (
          <>
            .<wbr />
          </>
        )}
      </Fragment>
    ))}
  </>
);
