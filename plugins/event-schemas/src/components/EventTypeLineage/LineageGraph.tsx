import {
  RELATION_API_PROVIDED_BY,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/core-plugin-api';
import {
  catalogGraphApiRef,
  Direction,
  EntityNode,
  EntityRelationsGraph,
  RelationPairs,
} from '@backstage/plugin-catalog-graph';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useCallback, useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { isInLineage } from './isInLineage';
import { LineageRefs } from './lineageRefs';

const RELATIONS = [
  RELATION_PROVIDES_API,
  RELATION_API_PROVIDED_BY,
  RELATION_DEPENDS_ON,
  RELATION_DEPENDENCY_OF,
];

// Edges point the way the events flow (producer -> type -> dataset ->
// readers); the graph's default pairs point them the other way, so that
// left to right would start with the readers.
const RELATION_PAIRS: RelationPairs = [
  [RELATION_PROVIDES_API, RELATION_API_PROVIDED_BY],
  [RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON],
];

const useStyles = makeStyles({
  graph: { height: 360 },
});

/**
 * The stock catalog graph around the type's `API` entity: producers on the
 * left, then the type, its dataset and the dataset's readers. A node opens
 * its entity's catalog page.
 */
export const LineageGraph = ({ refs }: { refs: LineageRefs }) => {
  const classes = useStyles();
  const apis = useApiHolder();
  const navigate = useNavigate();
  const entityLink = useEntityRefLink();
  const { api, apiRef, datasetRef } = refs;
  // The graph refetches whenever these change identity.
  const rootEntityNames = useMemo(
    () => ({ kind: api.kind, namespace: api.namespace, name: api.name }),
    [api.kind, api.namespace, api.name],
  );
  const entityFilter = useMemo(
    () => isInLineage({ apiRef, datasetRef }),
    [apiRef, datasetRef],
  );
  const onNodeClick = useCallback(
    (node: EntityNode) => navigate(entityLink(node.entity)),
    [navigate, entityLink],
  );

  // The graph reads its relation settings from the catalog graph plugin's
  // API; an app without that plugin still has the list.
  if (!apis.get(catalogGraphApiRef)) {
    return (
      <Typography variant="body2" color="textSecondary">
        The graph needs the catalog graph plugin in the app; the list shows the
        same lineage.
      </Typography>
    );
  }
  return (
    <Box role="figure" aria-label="Lineage graph">
      <EntityRelationsGraph
        rootEntityNames={rootEntityNames}
        maxDepth={2}
        relations={RELATIONS}
        relationPairs={RELATION_PAIRS}
        entityFilter={entityFilter}
        direction={Direction.LEFT_RIGHT}
        onNodeClick={onNodeClick}
        zoom="enable-on-click"
        className={classes.graph}
      />
      <Typography variant="caption" color="textSecondary">
        Click a node to open its catalog page. The list has the same lineage as
        links.
      </Typography>
    </Box>
  );
};
