import { InfoCard, Link } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { useEventSchemasLinks } from '../../routes';
import { CODE_INPUT_PROPS } from '../shared';
import { fieldId, FormBinding } from './form';
import { FormTextField } from './FormTextField';
import { OwnerField } from './OwnerField';

const NAME_HELP =
  "The CloudEvents type producers send, e.g. com.example.playback.started; it can't be changed later";

/** What the event type is and who owns it. */
export const DetailsSection = (props: {
  form: FormBinding;
  /** The name is already registered: a warning with a link to it. */
  nameTaken: boolean;
}) => {
  const { form, nameTaken } = props;
  const { values, errors, change, touch } = form;
  const links = useEventSchemasLinks();
  const existing = nameTaken && (
    <>
      {errors.name ? ' ' : `${values.name} is already registered: `}
      {links ? (
        <Link to={links.eventType(values.name)}>open it</Link>
      ) : (
        'register a new version of it instead'
      )}
    </>
  );

  return (
    <InfoCard title="Event type">
      <Grid container spacing={2}>
        <Grid item xs={12}>
          {/* Not a FormTextField: its help has a link, so it renders anyway. */}
          <TextField
            id={fieldId('name')}
            label="Name"
            required
            fullWidth
            variant="outlined"
            margin="normal"
            value={values.name}
            onChange={event => change('name', event.target.value)}
            onBlur={() => touch('name')}
            error={Boolean(errors.name)}
            helperText={
              <>
                {errors.name ?? (nameTaken ? '' : NAME_HELP)}
                {existing}
              </>
            }
            inputProps={CODE_INPUT_PROPS}
          />
          <FormTextField
            field="title"
            label="Title"
            value={values.title}
            onChange={change}
            error={errors.title}
            help="A short human name, e.g. Playback started"
          />
          <FormTextField
            field="description"
            label="Description"
            multiline
            value={values.description}
            onChange={change}
            error={errors.description}
            help="When the event is sent and what it means, for the people who use its data"
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <OwnerField
            value={values.owner}
            onChange={change}
            onBlur={touch}
            error={errors.owner}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <FormTextField
            field="lifecycle"
            label="Lifecycle"
            value={values.lifecycle}
            onChange={change}
            error={errors.lifecycle}
            help="experimental, production or deprecated"
            inputProps={CODE_INPUT_PROPS}
          />
        </Grid>
        <Grid item xs={12}>
          <FormTextField
            field="tags"
            label="Tags"
            placeholder="playback, mobile-app"
            value={values.tags}
            onChange={change}
            error={errors.tags}
            help="Separated by commas; lowercase words joined by dashes, as in the catalog"
            inputProps={CODE_INPUT_PROPS}
          />
        </Grid>
      </Grid>
    </InfoCard>
  );
};
