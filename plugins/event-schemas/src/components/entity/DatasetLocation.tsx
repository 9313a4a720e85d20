import { CodeSnippet } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { readCommand } from './readCommand';

/**
 * Where the delivered partitions are, to copy; for a local folder also a
 * command that prints the first events of the newest partition.
 */
export const DatasetLocation = (props: {
  location?: string;
  lastDelivered?: { start: string; end: string };
}) => {
  const { location, lastDelivered } = props;
  if (!location) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not known yet: the pipeline's catalog module adds it once it can reach
        the pipeline.
      </Typography>
    );
  }
  const command = readCommand(location, lastDelivered);
  return (
    <>
      <CodeSnippet text={location} language="text" showCopyCodeButton />
      {command && (
        <Box mt={1}>
          <Typography variant="caption" color="textSecondary" component="p">
            {lastDelivered
              ? 'The first events of the newest partition:'
              : 'The first events of one partition:'}
          </Typography>
          <CodeSnippet text={command} language="bash" showCopyCodeButton />
        </Box>
      )}
    </>
  );
};
