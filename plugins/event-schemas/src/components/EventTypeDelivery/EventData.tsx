import { parsePseudonym } from '@data-collection/plugin-delivery-pipeline-common';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment } from 'react';
import { hiddenValueKind, PersonalValueChip } from '../shared';
import { eventDataFields } from './eventDataFields';

const useStyles = makeStyles(theme => ({
  // Names in one column, values in the other: compact, and a value's name
  // stays beside it however long it is.
  fields: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: theme.spacing(1.5),
    rowGap: 2,
    margin: 0,
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, wordBreak: 'break-word' },
  },
  single: { fontFamily: 'monospace', fontSize: '0.8rem' },
}));

const written = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value) ?? '–';

/**
 * A value as the reader gets it. Any value that reads masked, erased or
 * unreadable is the pipeline's, not the producer's: it also stands in for
 * sealed values outside today's list of personal fields.
 */
const FieldValue = (props: { value: unknown; dataSubject: boolean }) => {
  const { value } = props;
  const hidden = hiddenValueKind(value);
  if (hidden) return <PersonalValueChip kind={hidden} />;
  if (props.dataSubject && parsePseudonym(value)) {
    return (
      <>
        {written(value)} <PersonalValueChip kind="pseudonym" />
      </>
    );
  }
  return <>{written(value)}</>;
};

/**
 * An event's `data` as its fields and values, one per line; personal
 * values the reader does not get in clear are labelled for what they are.
 */
export const EventData = (props: {
  data: unknown;
  /** The path of the data subject's field, which may hold a pseudonym. */
  dataSubject?: string;
}) => {
  const classes = useStyles();
  const fields = eventDataFields(props.data);
  if (fields.length === 1 && fields[0].path === '') {
    return (
      <span className={classes.single}>
        <FieldValue value={fields[0].value} dataSubject={false} />
      </span>
    );
  }
  return (
    <dl className={classes.fields}>
      {fields.map(field => (
        <Fragment key={field.path}>
          <dt>{field.path}</dt>
          <dd>
            <FieldValue
              value={field.value}
              dataSubject={field.path === props.dataSubject}
            />
          </dd>
        </Fragment>
      ))}
    </dl>
  );
};
