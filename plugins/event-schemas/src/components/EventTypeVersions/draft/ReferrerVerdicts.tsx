import { Link, StatusError, StatusOK } from '@backstage/core-components';
import {
  ReferrerImpact,
  ReferrerVerdict,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEventSchemasLinks } from '../../../routes';

const TypeName = (props: { name: string }) => {
  const links = useEventSchemasLinks();
  return links ? (
    <Link to={links.eventType(props.name, 'versions')}>{props.name}</Link>
  ) : (
    <>{props.name}</>
  );
};

/** `playlist → album → track`, a type the user may not read unnamed. */
function pathText(path: ReferrerVerdict['path']): string {
  return path.map(type => type ?? 'a type you may not read').join(' → ');
}

const Referrer = (props: { referrer: ReferrerVerdict }) => {
  const { referrer } = props;
  const { mode } = referrer;
  return (
    <li>
      <Typography variant="body2" component="div">
        <TypeName name={referrer.eventType} /> version {referrer.version}:{' '}
        {referrer.compatible ? (
          <StatusOK>Compatible under {mode}</StatusOK>
        ) : (
          <StatusError>Not compatible under {mode}</StatusError>
        )}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {referrer.depth === 1
          ? 'References it directly'
          : `References it through ${referrer.depth - 1} other type${
              referrer.depth === 2 ? '' : 's'
            }`}
        : {pathText(referrer.path)}
      </Typography>
      {referrer.problems.length > 0 && (
        <Box component="ul" mt={0} mb={0} pl={2}>
          {referrer.problems.map(problem => (
            <li key={problem.message}>
              <Typography variant="caption">{problem.message}</Typography>
            </li>
          ))}
        </Box>
      )}
    </li>
  );
};

/**
 * What the types that reference this one, directly or through others,
 * would make of the draft. Registering does not wait for them: each keeps
 * the version it references until its owners move it, so this says what
 * they would meet then. Nothing when the registry did not say (an older
 * registry).
 */
export const ReferrerVerdicts = (props: { referrers?: ReferrerImpact }) => {
  const { referrers } = props;
  if (!referrers) return null;
  const { items, unreadable, more } = referrers;
  if (items.length + unreadable.count + more === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No other event type references this one.
      </Typography>
    );
  }
  return (
    <Box mt={2} component="section" aria-label="Types that reference this one">
      <Typography variant="subtitle2">Types that reference this one</Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        Each is checked with the draft in place of the version it references,
        under its own compatibility mode. Registering changes none of them: each
        keeps its version until its owners move it.
      </Typography>
      {items.length > 0 && (
        <Box component="ul" mt={1} mb={0} pl={3}>
          {items.map(referrer => (
            <Referrer key={referrer.eventType} referrer={referrer} />
          ))}
        </Box>
      )}
      {unreadable.count > 0 && (
        <Typography variant="body2">
          {unreadable.count} more you may not read
          {unreadable.incompatible > 0
            ? `, of which ${unreadable.incompatible} not compatible`
            : ', all compatible'}
          .
        </Typography>
      )}
      {more > 0 && (
        <Typography variant="body2">
          {more} more not checked: the registry checks the nearest{' '}
          {items.length + unreadable.count} at a time.
        </Typography>
      )}
    </Box>
  );
};
