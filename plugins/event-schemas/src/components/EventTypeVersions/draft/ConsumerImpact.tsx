import {
  CompatibilityImpact,
  EventTypeConsumer,
} from '@data-collection/plugin-event-schemas-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

const Consumer = (props: { consumer: EventTypeConsumer }) => {
  const { consumer } = props;
  return (
    <li>
      <Typography variant="caption" component="span">
        <EntityRefLink entityRef={consumer.entityRef} title={consumer.title} />
        {consumer.owner && (
          <>
            {' (owner '}
            <EntityRefLink entityRef={consumer.owner} defaultKind="group" />)
          </>
        )}
        {consumer.fieldsRead
          ? `, reads ${consumer.fieldsRead.join(', ')}`
          : ', reads every field'}
      </Typography>
    </li>
  );
};

/**
 * Who a refusal reason breaks among the type's consumers in the catalog:
 * nothing when the registry did not say (an older registry), "affects no
 * declared consumer" when it breaks none.
 */
export const ConsumerImpact = (props: {
  message: string;
  impact?: CompatibilityImpact;
}) => {
  const problem = props.impact?.problems.find(
    candidate => candidate.message === props.message,
  );
  if (!problem) return null;
  if (problem.consumers.length === 0) {
    return (
      <Typography variant="caption" color="textSecondary">
        Affects no declared consumer
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="caption" color="error">
        Breaks {problem.consumers.length} consumer
        {problem.consumers.length === 1 ? '' : 's'}
        {problem.field ? ` reading ${problem.field}` : ''}:
      </Typography>
      <Box component="ul" mt={0} mb={0} pl={2}>
        {problem.consumers.map(consumer => (
          <Consumer key={consumer.entityRef} consumer={consumer} />
        ))}
      </Box>
    </>
  );
};
