import { Progress, Table, TableColumn } from '@backstage/core-components';
import { RetentionDeletion } from '@data-collection/plugin-delivery-pipeline-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  formatCount,
  formatIsoDuration,
  LoadError,
  Timestamp,
} from '../shared';
import { CardLoadError } from './CardLoadError';
import { formatBytes } from './formatBytes';
import { useRetentionDeletions } from './useRetentionDeletions';

const columns: TableColumn<RetentionDeletion>[] = [
  {
    title: 'Partition',
    field: 'partitionStart',
    render: row => (
      <>
        <Timestamp value={row.partitionStart} /> –{' '}
        <Timestamp value={row.partitionEnd} />
      </>
    ),
  },
  { title: 'Kind', field: 'kind' },
  {
    title: 'Files',
    field: 'files',
    type: 'numeric',
    render: row => formatCount(row.files),
  },
  {
    title: 'Bytes',
    field: 'bytes',
    type: 'numeric',
    render: row => formatBytes(row.bytes),
  },
  {
    title: 'Deleted',
    field: 'deletedAt',
    render: row => <Timestamp value={row.deletedAt} />,
  },
  { title: 'Reason', field: 'reason' },
];

/**
 * What retention deleted of a type's partitions, raw and delivered, newest
 * first; the policy in words while nothing was deleted yet.
 */
export const RetentionDeletions = (props: {
  eventType: string;
  rawRetention?: string;
  deliveredRetention?: string;
}) => {
  const { eventType, rawRetention, deliveredRetention } = props;
  const deletions = useRetentionDeletions(eventType);

  if (deletions.error && !deletions.loading) {
    return (
      <LoadError
        title="Could not load what retention deleted"
        error={deletions.error}
        onRetry={deletions.retry}
      />
    );
  }
  if (!deletions.items) return <Progress />;

  return (
    <>
      <Table<RetentionDeletion>
        title="Retention"
        subtitle="What retention deleted, newest first"
        columns={columns}
        // The table writes its own state into the rows it is given.
        data={deletions.items.map(item => ({ ...item }))}
        options={{ paging: false, search: false, padding: 'dense' }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              Nothing deleted yet
              {rawRetention && deliveredRetention
                ? `; raw partitions are kept ${formatIsoDuration(
                    rawRetention,
                  )} and delivered ones ${formatIsoDuration(
                    deliveredRetention,
                  )}, then retention deletes them and lists them here.`
                : '.'}
            </Typography>
          </Box>
        }
      />
      {deletions.hasMore && (
        <Box mt={1}>
          <Button
            variant="outlined"
            color="primary"
            onClick={() => deletions.loadMore()}
            disabled={deletions.loadingMore}
          >
            Show older deletions
          </Button>
        </Box>
      )}
      {deletions.loadMoreError && (
        <Box mt={1}>
          <CardLoadError
            title="Could not load older deletions"
            error={deletions.loadMoreError}
            onRetry={() => deletions.loadMore()}
          />
        </Box>
      )}
    </>
  );
};
