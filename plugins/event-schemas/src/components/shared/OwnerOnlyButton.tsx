import { EventType } from '@data-collection/plugin-event-schemas-common';
import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useCanEdit } from './useCanEdit';

/**
 * A button for a change to an event type. Users who may not change it see
 * it disabled, with the reason on hover and on keyboard focus: a disabled
 * button gets no events, so the tooltip sits on a focusable wrapper. A type
 * managed from a file changes only there: the button opens the file.
 */
export const OwnerOnlyButton = (
  props: ButtonProps & {
    eventType: Pick<EventType, 'name' | 'owner' | 'managedBy'>;
  },
) => {
  const { eventType, disabled, ...buttonProps } = props;
  const { loading, allowed, reason } = useCanEdit(eventType);
  const { managedBy } = eventType;
  if (managedBy) {
    const { variant, color, size, className } = buttonProps;
    return (
      <Tooltip
        title={`${eventType.name} is managed in ${managedBy.path} of ${managedBy.entityRef}: change the file and merge it`}
      >
        <Button
          variant={variant}
          color={color}
          size={size}
          className={className}
          href={managedBy.location}
          target="_blank"
          rel="noopener"
        >
          {/* Short, for narrow card headers; the path is in the tooltip and
              in the page's "Managed in" notice. */}
          Change the file
        </Button>
      </Tooltip>
    );
  }
  if (loading || allowed) {
    return <Button {...buttonProps} disabled={loading || disabled} />;
  }
  return (
    <Tooltip title={reason ?? ''}>
      {/* Focusable so that keyboard users get the reason too; the tooltip
          describes the wrapper (aria-describedby) while shown. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <span tabIndex={0}>
        <Button {...buttonProps} disabled />
      </span>
    </Tooltip>
  );
};
