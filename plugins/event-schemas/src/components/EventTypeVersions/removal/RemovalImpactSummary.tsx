import { StatusError, StatusOK } from '@backstage/core-components';
import {
  CompatibilityImpact,
  EventType,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ConsumerImpact } from '../draft/ConsumerImpact';

/** How many distinct consumers the problems break. */
function brokenConsumerCount(impact: CompatibilityImpact): number {
  const refs = new Set<string>();
  for (const problem of impact.problems) {
    for (const consumer of problem.consumers) refs.add(consumer.entityRef);
  }
  return refs.size;
}

const plural = (count: number, word: string) =>
  `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * What the registry answered about removing a version: who breaks, and the
 * breaking changes of the rollback, those that break consumers first.
 */
export const RemovalImpactSummary = (props: {
  eventType: Pick<EventType, 'name' | 'compatibility'>;
  version: number;
  impact: CompatibilityImpact;
}) => {
  const { eventType, version, impact } = props;
  const broken = brokenConsumerCount(impact);
  const problems = [...impact.problems].sort(
    (a, b) => Number(b.consumers.length > 0) - Number(a.consumers.length > 0),
  );
  return (
    <>
      <Box aria-live="polite">
        {broken > 0 ? (
          <StatusError>
            Removing version {version} breaks {plural(broken, 'consumer')}
          </StatusError>
        ) : (
          <StatusOK>No consumer reads what this removal changes</StatusOK>
        )}
      </Box>
      <Typography variant="body2" color="textSecondary">
        {impact.consumers.length === 0
          ? `The catalog lists no consumer of ${eventType.name} (no component has its API entity in spec.consumesApis).`
          : `Checked against the ${plural(
              impact.consumers.length,
              'consumer',
            )} of ${eventType.name} in the catalog.`}
      </Typography>
      {problems.length === 0 ? (
        <Typography variant="body2">
          Version {version - 1} is compatible with version {version} under{' '}
          {eventType.compatibility}: the rollback changes nothing that breaks.
        </Typography>
      ) : (
        <>
          <Box mt={2}>
            <Typography variant="subtitle2" component="h3">
              {plural(problems.length, 'breaking change')} under{' '}
              {eventType.compatibility}
              {impact.affectingNobody.length > 0 &&
                `, ${impact.affectingNobody.length} of them affecting nobody`}
            </Typography>
          </Box>
          <Box component="ul" mt={1} mb={0} pl={3}>
            {problems.map(problem => (
              <li key={problem.message}>
                <Typography variant="body2">{problem.message}</Typography>
                <ConsumerImpact message={problem.message} impact={impact} />
              </li>
            ))}
          </Box>
        </>
      )}
    </>
  );
};
