import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { DurationField } from './DurationField';
import { FormBinding } from './form';

/** How long the event's data is kept and how late it may be delivered. */
export const DeliverySection = (props: { form: FormBinding }) => {
  const { values, errors, change } = props.form;
  return (
    <InfoCard
      title="Delivery"
      subheader="Leave empty for the registry's defaults"
    >
      <Grid container spacing={2}>
        <Grid item xs={12} md={4}>
          <DurationField
            field="retention.raw"
            label="Raw retention"
            placeholder="P7D"
            help="how long raw partitions are kept"
            value={values['retention.raw']}
            onChange={change}
            error={errors['retention.raw']}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <DurationField
            field="retention.delivered"
            label="Delivered retention"
            placeholder="P400D"
            help="how long deduplicated, delivered partitions are kept"
            value={values['retention.delivered']}
            onChange={change}
            error={errors['retention.delivered']}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <DurationField
            field="sla.maxLateness"
            label="Maximum lateness"
            placeholder="PT4H"
            help="an hour delivered later than this past its end breaks the SLA"
            value={values['sla.maxLateness']}
            onChange={change}
            error={errors['sla.maxLateness']}
          />
        </Grid>
      </Grid>
    </InfoCard>
  );
};
