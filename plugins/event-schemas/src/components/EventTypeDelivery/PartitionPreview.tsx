import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { PersonalDataView } from '@data-collection/plugin-delivery-pipeline-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { deliveryPipelineApiRef } from '../../api';
import {
  formatCount,
  formatLocalTime,
  isForbidden,
  LoadError,
  Timestamp,
  whoMayReadPersonalData,
} from '../shared';
import { EventData } from './EventData';
import { JsonText } from './JsonText';
import { FieldList, PersonalDataNotice } from './PersonalDataNotice';

/** How many rows a preview shows. */
export const PREVIEW_ROWS = 20;

const useStyles = makeStyles({
  json: {
    margin: 0,
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
  // The data gets the room; the short values beside it do not wrap.
  table: {
    '& th, & td:not(:last-child)': { whiteSpace: 'nowrap' },
    '& td:last-child': { minWidth: 240 },
    '& td': { verticalAlign: 'top' },
  },
  scroll: {
    maxHeight: 480,
    overflow: 'auto',
  },
});

const text = (value: unknown) => {
  if (value === undefined || value === null) return '–';
  return typeof value === 'string' ? value : JSON.stringify(value);
};

/** What the reader sees of the type's personal data, and why. */
const PreviewPersonalDataNotice = (props: {
  eventType: string;
  personalData: PersonalDataView;
}) => {
  const { eventType, personalData } = props;
  if (personalData.access === 'clear') {
    return (
      <PersonalDataNotice access="clear" title="You see personal data in clear">
        The personal values of this event type (
        <FieldList fields={personalData.fields} />) are shown in clear because
        you may read them, and this read is recorded in the audit log. Values of
        people who were erased read erased.
      </PersonalDataNotice>
    );
  }
  return (
    <PersonalDataNotice access="masked" title="Personal data is masked">
      The personal values of this event type are masked:{' '}
      <FieldList fields={personalData.fields} />.{' '}
      {whoMayReadPersonalData(eventType)}
      {personalData.dataSubject && (
        <>
          {' '}
          The data subject, <code>{personalData.dataSubject}</code>, shows as a
          pseudonym: the same for one person in every event, so rows can still
          be counted and joined per person.
        </>
      )}
    </PersonalDataNotice>
  );
};

/**
 * The first rows of a delivered partition, as a table or as JSON, with what
 * the reader sees of the personal data said first.
 */
export const PartitionPreview = (props: {
  eventType: string;
  start: string;
  onClose: () => void;
}) => {
  const { eventType, start } = props;
  const classes = useStyles();
  const api = useApi(deliveryPipelineApiRef);
  const [view, setView] = useState<'table' | 'json'>('table');
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.previewPartition(eventType, start, { limit: PREVIEW_ROWS }),
    [api, eventType, start],
  );
  const title = `Events of the partition starting ${formatLocalTime(start, {
    seconds: true,
  })}`;

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error && isForbidden(error)) {
    body = (
      <Typography role="alert">
        You may not preview the delivered events of {eventType}: a preview shows
        the events themselves, personal data included, so a policy decides who
        may see them.
      </Typography>
    );
  } else if (error) {
    body = (
      <LoadError
        title="Could not load the preview"
        error={error}
        onRetry={retry}
      />
    );
  } else if (value && value.rows.length === 0) {
    body = <Typography>The partition has no events.</Typography>;
  } else if (value) {
    body = (
      <>
        <Box
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          flexWrap="wrap"
          mb={1}
        >
          <Typography variant="body2" color="textSecondary">
            The first {formatCount(value.rows.length)} of{' '}
            {formatCount(value.totalRows)} events, from {value.location}
          </Typography>
          <ButtonGroup size="small" aria-label="Show the rows as">
            <Button
              aria-pressed={view === 'table'}
              variant={view === 'table' ? 'contained' : 'outlined'}
              onClick={() => setView('table')}
            >
              Table
            </Button>
            <Button
              aria-pressed={view === 'json'}
              variant={view === 'json' ? 'contained' : 'outlined'}
              onClick={() => setView('json')}
            >
              JSON
            </Button>
          </ButtonGroup>
        </Box>
        {value.personalData && (
          <PreviewPersonalDataNotice
            eventType={eventType}
            personalData={value.personalData}
          />
        )}
        <div className={classes.scroll}>
          {view === 'json' ? (
            <pre className={classes.json} aria-label={`${title}, as JSON`}>
              <JsonText value={value.rows} />
            </pre>
          ) : (
            <Table size="small" aria-label={title} className={classes.table}>
              <TableHead>
                <TableRow>
                  <TableCell>Event ID</TableCell>
                  <TableCell>Source</TableCell>
                  <TableCell>Time</TableCell>
                  <TableCell>Received</TableCell>
                  <TableCell>Data</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {value.rows.map((row, index) => (
                  <TableRow
                    key={`${text(row.source)}/${text(row.id)}/${index}`}
                  >
                    <TableCell>{text(row.id)}</TableCell>
                    <TableCell>{text(row.source)}</TableCell>
                    <TableCell>
                      {typeof row.time === 'string' ? (
                        <Timestamp value={row.time} seconds />
                      ) : (
                        '–'
                      )}
                    </TableCell>
                    <TableCell>
                      {typeof row.receivedAt === 'string' ? (
                        <Timestamp value={row.receivedAt} seconds />
                      ) : (
                        '–'
                      )}
                    </TableCell>
                    <TableCell>
                      <EventData
                        data={row.data}
                        dataSubject={value.personalData?.dataSubject}
                      />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </div>
      </>
    );
  }

  return (
    <Box component="section" aria-label={title} mt={2}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle1" component="h4">
          {title}
        </Typography>
        <Button size="small" onClick={props.onClose}>
          Close preview
        </Button>
      </Box>
      {body}
    </Box>
  );
};
