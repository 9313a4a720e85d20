import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * Opens who breaks if a version is removed. Version 1 has no version before
 * it to roll back to, so its button is disabled with the reason.
 */
export const RemovalImpactButton = (props: {
  version: number;
  onClick: () => void;
}) => {
  const { version, onClick } = props;
  // Every row has this button: the name says which version, and starts with
  // the visible text, so that voice control finds it by what it shows.
  const common = {
    size: 'small',
    variant: 'outlined',
    'aria-label': `Who breaks if removed: version ${version}`,
    children: 'Who breaks if removed',
  } as const;
  if (version > 1) return <Button {...common} onClick={onClick} />;
  return (
    <Tooltip title="Version 1 has no earlier version to roll back to">
      {/* Focusable so that keyboard users get the reason too: a disabled
          button gets no events. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <span tabIndex={0}>
        <Button {...common} disabled />
      </span>
    </Tooltip>
  );
};
