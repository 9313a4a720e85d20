import {
  Entity,
  RELATION_API_PROVIDED_BY,
  RELATION_DEPENDENCY_OF,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { lineageRefs, LineageRefs } from './lineageRefs';

/** Who produces a type, where it lands and who reads it, as entity refs. */
export type Lineage = LineageRefs & {
  /** False while the registry's catalog module has not synced the type. */
  inCatalog: boolean;
  producers: string[];
  /** Whether the pipeline's catalog module has made the dataset yet. */
  datasetInCatalog: boolean;
  consumers: string[];
};

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === type)
    .map(relation => relation.targetRef)
    .sort((a, b) => a.localeCompare(b));
}

/** Reads a type's lineage from the catalog's relations. */
export function useLineage(eventTypeName: string) {
  const catalogApi = useApi(catalogApiRef);
  return useAsyncRetry(async (): Promise<Lineage> => {
    const refs = lineageRefs(eventTypeName);
    const [api, dataset] = await Promise.all([
      catalogApi.getEntityByRef(refs.api),
      catalogApi.getEntityByRef(refs.dataset),
    ]);
    return {
      ...refs,
      inCatalog: api !== undefined,
      producers: api ? relationTargets(api, RELATION_API_PROVIDED_BY) : [],
      datasetInCatalog: dataset !== undefined,
      consumers: dataset
        ? relationTargets(dataset, RELATION_DEPENDENCY_OF)
        : [],
    };
  }, [catalogApi, eventTypeName]);
}
