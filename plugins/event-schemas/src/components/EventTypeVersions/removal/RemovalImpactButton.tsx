import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { VisuallyHidden } from '../../shared';

/**
 * Opens who breaks if a version is removed. Version 1 has no version before
 * it to roll back to, so its button is disabled with the reason.
 */
export const RemovalImpactButton = (props: {
  version: number;
  onClick: () => void;
}) => {
  const { version, onClick } = props;
  const label = (
    <>
      Who breaks if removed
      {/* Every row has this button: screen readers hear which version. */}
      <VisuallyHidden>: version {version}</VisuallyHidden>
    </>
  );
  if (version > 1) {
    return (
      <Button size="small" variant="outlined" onClick={onClick}>
        {label}
      </Button>
    );
  }
  return (
    <Tooltip title="Version 1 has no earlier version to roll back to">
      {/* Focusable so that keyboard users get the reason too: a disabled
          button gets no events. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <span tabIndex={0}>
        <Button size="small" variant="outlined" disabled>
          {label}
        </Button>
      </span>
    </Tooltip>
  );
};
