import { DataSubjectErasure } from '@data-collection/plugin-delivery-pipeline-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { forwardRef } from 'react';
import { Fact, Facts, formatCount, Timestamp } from '../shared';

const useStyles = makeStyles(theme => ({
  receipt: {
    padding: theme.spacing(2),
    border: `1px solid ${theme.palette.divider}`,
    borderLeft: `4px solid ${theme.palette.success.main}`,
    borderRadius: theme.shape.borderRadius,
  },
  outcome: { marginTop: theme.spacing(2) },
}));

/**
 * What an erasure did, as the pipeline answered it: the record to keep for
 * the privacy request. Announced to screen readers when it appears, and
 * focusable so that the form can move the user to it.
 */
export const ErasureReceipt = forwardRef<
  HTMLElement,
  { receipt: DataSubjectErasure }
>((props, ref) => {
  const { receipt } = props;
  const classes = useStyles();
  return (
    <section
      ref={ref}
      tabIndex={-1}
      role="status"
      aria-label={`Erased ${receipt.subject}`}
      className={classes.receipt}
    >
      <Typography variant="h6" component="h3" gutterBottom>
        Erased {receipt.subject}
      </Typography>
      <Facts>
        <Fact label="Erased at">
          <Timestamp value={receipt.erasedAt} seconds />
        </Fact>
        <Fact label="Keys deleted">{formatCount(receipt.keysDeleted)}</Fact>
        <Fact label="Failed events deleted">
          {formatCount(receipt.failedEventsDeleted)}
        </Fact>
        <Fact label="Future events">
          {receipt.suppressed ? 'Refused' : 'Collected'}
        </Fact>
      </Facts>
      <Typography variant="body2" className={classes.outcome}>
        {receipt.keysDeleted > 0
          ? 'Their personal data is unreadable in every stored copy: it reads erased from now on.'
          : 'No key was found for this id, so the pipeline holds no personal data of theirs. If you expected some, check the id: it is the value their events were sent with.'}
      </Typography>
    </section>
  );
});
