import { EventType } from '@data-collection/plugin-event-schemas-common';
import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useCanEdit } from './useCanEdit';

/**
 * A button for a change to an event type. Users who may not change it see
 * it disabled, with the reason on hover and on keyboard focus: a disabled
 * button gets no events, so the tooltip sits on a focusable wrapper.
 */
export const OwnerOnlyButton = (
  props: ButtonProps & { eventType: Pick<EventType, 'name' | 'owner'> },
) => {
  const { eventType, disabled, ...buttonProps } = props;
  const { loading, allowed, reason } = useCanEdit(eventType);
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
