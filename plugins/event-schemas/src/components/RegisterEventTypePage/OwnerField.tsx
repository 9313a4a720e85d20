import { CatalogAutocomplete } from '@backstage/plugin-catalog-react';
import CircularProgress from '@material-ui/core/CircularProgress';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { memo, useMemo } from 'react';
import { ChangeField, fieldId, FormField } from './form';
import { useCatalogGroups } from './useCatalogGroups';

const useStyles = makeStyles(theme => ({
  // CatalogAutocomplete leaves room for a label above the input; this one
  // has an outlined label like the form's other fields.
  inputRoot: { '&&': { marginTop: 0 } },
  ref: { marginLeft: theme.spacing(1), color: theme.palette.text.secondary },
}));

const HELP = 'The catalog group that owns the event type and may change it';

/**
 * The owning group, picked from the catalog's groups by title or ref. If the
 * catalog cannot be read (or has no groups), the ref is typed instead, so
 * the catalog being down does not stop a registration.
 */
export const OwnerField = memo(
  (props: {
    value: string;
    onChange: ChangeField;
    onBlur: (field: FormField) => void;
    error?: string;
  }) => {
    const classes = useStyles();
    const id = fieldId('owner');
    const change = (ref: string) => props.onChange('owner', ref);
    const blur = () => props.onBlur('owner');
    const { loading, error: loadError, groups } = useCatalogGroups();
    const titles = useMemo(
      () => new Map(groups.map(group => [group.ref, group.title])),
      [groups],
    );

    if (loadError || (!loading && groups.length === 0)) {
      const hint = loadError
        ? `Could not load the catalog's groups (${loadError.message}); type the group's ref, e.g. group:default/playback`
        : 'The catalog has no groups; type the group ref, e.g. group:default/playback';
      return (
        <TextField
          id={id}
          label="Owner"
          required
          fullWidth
          margin="normal"
          variant="outlined"
          placeholder="group:default/playback"
          value={props.value}
          onChange={event => change(event.target.value)}
          onBlur={blur}
          error={Boolean(props.error)}
          helperText={props.error ?? hint}
        />
      );
    }

    const label = (ref: string) => {
      const title = titles.get(ref);
      return title && title !== ref ? `${title} (${ref})` : ref;
    };
    return (
      <CatalogAutocomplete<string, false, false, false>
        id={id}
        name="owner"
        options={groups.map(group => group.ref)}
        value={props.value || null}
        onChange={(_event, ref) => change(ref ?? '')}
        onBlur={blur}
        getOptionLabel={label}
        getOptionSelected={(option, value) => option === value}
        renderOption={ref => (
          <>
            {titles.get(ref) ?? ref}{' '}
            {titles.get(ref) !== ref && (
              <Typography variant="caption" className={classes.ref}>
                {ref}
              </Typography>
            )}
          </>
        )}
        loading={loading}
        size="medium"
        classes={{ inputRoot: classes.inputRoot }}
        renderInput={params => (
          <TextField
            {...params}
            label="Owner"
            required
            fullWidth
            margin="normal"
            variant="outlined"
            placeholder={loading ? undefined : 'Search groups'}
            error={Boolean(props.error)}
            helperText={props.error ?? HELP}
            InputProps={{
              ...params.InputProps,
              endAdornment: (
                <>
                  {loading && (
                    <CircularProgress
                      color="inherit"
                      size={20}
                      aria-label="Loading groups"
                    />
                  )}
                  {params.InputProps.endAdornment}
                </>
              ),
            }}
          />
        )}
      />
    );
  },
);
