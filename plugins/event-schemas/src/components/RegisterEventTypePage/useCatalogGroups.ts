import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** A catalog group an event type can be owned by. */
export type CatalogGroup = {
  /** `group:<namespace>/<name>`, what the registry stores as the owner. */
  ref: string;
  /** The group's title or display name, else its ref. */
  title: string;
};

/** Every group in the catalog, by title. */
export function useCatalogGroups(): {
  loading: boolean;
  error?: Error;
  groups: CatalogGroup[];
} {
  const catalogApi = useApi(catalogApiRef);
  const { loading, error, value } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items
      .map(entity => {
        const ref = stringifyEntityRef(entity);
        const profile = (entity.spec?.profile ?? {}) as {
          displayName?: string;
        };
        return {
          ref,
          title: entity.metadata.title ?? profile.displayName ?? ref,
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi]);
  return { loading, error, groups: value ?? [] };
}
