import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { ReactNode, useId } from 'react';
import { Lineage } from './useLineage';

/** A catalog-info.yaml line, quoted so the ref is read as one string. */
const YamlHint = (props: { field: string; entityRef: string }) => (
  <Typography variant="body2" component="div">
    <code>{`${props.field}: ["${props.entityRef}"]`}</code>
  </Typography>
);

const Section = (props: {
  title: string;
  entityRefs: string[];
  empty: ReactNode;
}) => {
  const headingId = useId();
  return (
    <Box component="section" aria-labelledby={headingId} mb={2}>
      <Typography variant="subtitle2" component="h3" id={headingId}>
        {props.title}
      </Typography>
      {props.entityRefs.length > 0 ? (
        <List dense disablePadding aria-labelledby={headingId}>
          {props.entityRefs.map(entityRef => (
            <ListItem key={entityRef} disableGutters>
              <EntityRefLink entityRef={entityRef} />
            </ListItem>
          ))}
        </List>
      ) : (
        <Box color="text.secondary">{props.empty}</Box>
      )}
    </Box>
  );
};

/**
 * The lineage as links, one section per hop: what the graph shows, for
 * keyboards and screen readers, and with what to declare where a hop is
 * missing.
 */
export const LineageList = ({ lineage }: { lineage: Lineage }) => (
  <>
    <Section
      title="Produced by"
      entityRefs={lineage.producers}
      empty={
        <>
          <Typography variant="body2">
            No producer declares providesApis: {lineage.apiRef} yet. Add to the
            producing Component's spec:
          </Typography>
          <YamlHint field="providesApis" entityRef={lineage.apiRef} />
        </>
      }
    />
    <Section
      title="Lands in"
      entityRefs={lineage.datasetInCatalog ? [lineage.datasetRef] : []}
      empty={
        <Typography variant="body2">
          {lineage.datasetRef} is not in the catalog yet; the delivery
          pipeline's catalog module adds it for every registered event type.
        </Typography>
      }
    />
    <Section
      title="Read by"
      entityRefs={lineage.consumers}
      empty={
        <>
          <Typography variant="body2">
            No consumer declares dependsOn: {lineage.datasetRef} yet. Add to
            each reading Component's spec:
          </Typography>
          <YamlHint field="dependsOn" entityRef={lineage.datasetRef} />
        </>
      }
    />
  </>
);
