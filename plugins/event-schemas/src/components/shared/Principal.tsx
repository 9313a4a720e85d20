import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * Who did something, as the registry records it: a user's entity ref (a
 * link to the user) or `service:<subject>` for a token, which has no entity.
 */
export const Principal = (props: { value: string }) => {
  if (props.value.startsWith('service:')) {
    return <>{`${props.value.slice('service:'.length)} (service)`}</>;
  }
  return <EntityRefLink entityRef={props.value} defaultKind="user" />;
};
