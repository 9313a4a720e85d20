import { Link } from '@backstage/core-components';
import {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import { EventTypeSearchDocument } from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { FORMAT_LABELS } from '../shared';

/**
 * Props of {@link EventTypeSearchResultListItem}: what a search page passes
 * to its result list items.
 *
 * @public
 */
export type EventTypeSearchResultListItemProps = {
  /** The search document; for other document types the item renders nothing. */
  result?: SearchDocument;
  /** Where the query matched, to mark in the title, name and description. */
  highlight?: ResultHighlight;
  rank?: number;
  icon?: ReactNode;
  /** Lines of the description to show; all by default. */
  lineClamp?: number;
  /** Whether the result's link stays out of analytics. */
  noTrack?: boolean;
};

const useStyles = makeStyles(
  theme => ({
    item: { display: 'flex' },
    text: {
      width: '100%',
      wordBreak: 'break-word',
      marginBottom: theme.spacing(1),
    },
    name: { display: 'block' },
    chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  }),
  { name: 'EventTypeSearchResultListItem' },
);

/** The field's text with the highlighted matches, else as indexed. */
function Highlighted(props: {
  highlight?: ResultHighlight;
  field: keyof EventTypeSearchDocument;
  text: string;
}) {
  const { highlight, field, text } = props;
  const marked = highlight?.fields[field];
  return highlight && marked ? (
    <HighlightedSearchResultText
      text={marked}
      preTag={highlight.preTag}
      postTag={highlight.postTag}
    />
  ) : (
    <>{text}</>
  );
}

/**
 * An event type in the portal's search results: its title (its name below
 * when it has one), description, owner, schema format and latest version,
 * with the query's matches marked.
 *
 * @public
 */
export function EventTypeSearchResultListItem(
  props: EventTypeSearchResultListItemProps,
) {
  const classes = useStyles();
  const { highlight, icon, lineClamp, noTrack } = props;
  const result = props.result as EventTypeSearchDocument | undefined;
  if (!result?.name) {
    return null;
  }
  return (
    <div className={classes.item}>
      {icon && <ListItemIcon>{icon}</ListItemIcon>}
      <div>
        <ListItemText
          className={classes.text}
          primaryTypographyProps={{ variant: 'h6' }}
          primary={
            <Link noTrack={noTrack} to={result.location}>
              <Highlighted
                highlight={highlight}
                field="title"
                text={result.title}
              />
            </Link>
          }
          secondary={
            <>
              {result.title !== result.name && (
                <Typography
                  component="span"
                  variant="body2"
                  className={classes.name}
                >
                  <Highlighted
                    highlight={highlight}
                    field="name"
                    text={result.name}
                  />
                </Typography>
              )}
              <Typography
                component="span"
                variant="body2"
                color="textSecondary"
                style={
                  lineClamp
                    ? {
                        display: '-webkit-box',
                        WebkitBoxOrient: 'vertical',
                        WebkitLineClamp: lineClamp,
                        overflow: 'hidden',
                      }
                    : undefined
                }
              >
                <Highlighted
                  highlight={highlight}
                  field="text"
                  text={result.text}
                />
              </Typography>
            </>
          }
        />
        <Box className={classes.chips}>
          <Chip size="small" label={`Owner: ${result.owner}`} />
          <Chip
            size="small"
            label={`Format: ${FORMAT_LABELS[result.format] ?? result.format}`}
          />
          <Chip
            size="small"
            label={`Latest version: ${result.latestVersion}`}
          />
          {result.lifecycle && (
            <Chip size="small" label={`Lifecycle: ${result.lifecycle}`} />
          )}
        </Box>
      </div>
    </div>
  );
}
