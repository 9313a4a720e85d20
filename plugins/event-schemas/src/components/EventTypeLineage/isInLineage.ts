import {
  Entity,
  RELATION_DEPENDS_ON,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { LineageRefs, sameEntityRef } from './lineageRefs';

/**
 * Whether an entity is on the type's lineage: the type, its dataset, a
 * producer of the type or a reader of the dataset. The graph walks every
 * relation of the kinds asked for, so without this a producer's own
 * dependencies (its database, say) would show up as well.
 */
export function isInLineage(refs: Pick<LineageRefs, 'apiRef' | 'datasetRef'>) {
  return (entity: Entity): boolean => {
    const ref = stringifyEntityRef(entity);
    if (
      sameEntityRef(ref, refs.apiRef) ||
      sameEntityRef(ref, refs.datasetRef)
    ) {
      return true;
    }
    return (entity.relations ?? []).some(
      relation =>
        (relation.type === RELATION_PROVIDES_API &&
          sameEntityRef(relation.targetRef, refs.apiRef)) ||
        (relation.type === RELATION_DEPENDS_ON &&
          sameEntityRef(relation.targetRef, refs.datasetRef)),
    );
  };
}
