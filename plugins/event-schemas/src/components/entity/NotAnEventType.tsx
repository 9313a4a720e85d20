import Typography from '@material-ui/core/Typography';
import { ANNOTATION_DATASET_EVENT_TYPE } from '@data-collection/plugin-delivery-pipeline-common';
import { ANNOTATION_EVENT_TYPE } from '@data-collection/plugin-event-schemas-common';

/**
 * Where an app shows a card or tab on an entity the registry or pipeline
 * did not make (the legacy app picks the entities itself).
 */
export const NotAnEventType = () => (
  <Typography variant="body2" color="textSecondary">
    This entity has no {ANNOTATION_EVENT_TYPE} or{' '}
    {ANNOTATION_DATASET_EVENT_TYPE} annotation, so it is not an event type or
    its dataset.
  </Typography>
);
