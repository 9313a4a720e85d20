import { SchemaField } from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import FingerprintIcon from '@material-ui/icons/Fingerprint';
import PersonIcon from '@material-ui/icons/Person';
import { fieldRows } from './fieldRows';

const useStyles = makeStyles(theme => ({
  name: { fontFamily: 'monospace', fontWeight: 500 },
  type: { fontFamily: 'monospace', color: theme.palette.text.secondary },
  guide: {
    borderLeft: `1px solid ${theme.palette.divider}`,
    paddingLeft: theme.spacing(1),
  },
  personal: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  personalIcon: { color: theme.palette.warning.main },
  markings: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  },
}));

/**
 * A schema's fields as an indented table: nested fields under their parent,
 * with type, whether required, whether personal data (and the data subject),
 * and description.
 */
export const FieldTree = (props: {
  fields: SchemaField[];
  personalDataFields: string[];
  /** The path of the field naming the person an event is about. */
  dataSubject?: string;
  /** Names the table for screen readers, e.g. `Fields of version 2`. */
  label: string;
}) => {
  const classes = useStyles();
  const rows = fieldRows(
    props.fields,
    props.personalDataFields,
    props.dataSubject,
  );
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Required</TableCell>
          <TableCell>Personal data</TableCell>
          <TableCell>Description</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(({ field, depth, parent, personalData, dataSubject }) => (
          <TableRow key={field.path}>
            <TableCell>
              <Box
                style={{ marginLeft: depth * 20 }}
                className={depth > 0 ? classes.guide : undefined}
              >
                <span className={classes.name} title={field.path}>
                  {field.name}
                </span>
                {parent && (
                  <Typography variant="srOnly">{` in ${parent}`}</Typography>
                )}
              </Box>
            </TableCell>
            <TableCell className={classes.type}>{field.type}</TableCell>
            <TableCell>
              {field.required ? (
                'Required'
              ) : (
                <Typography variant="body2" color="textSecondary">
                  Optional
                </Typography>
              )}
            </TableCell>
            <TableCell>
              <span className={classes.markings}>
                {personalData && (
                  <Tooltip
                    title={
                      personalData === 'own'
                        ? 'Declared personal data: encrypted with the data subject’s key'
                        : 'Inside a field declared personal data'
                    }
                  >
                    <span className={classes.personal}>
                      <FingerprintIcon
                        fontSize="small"
                        className={classes.personalIcon}
                        aria-hidden
                      />
                      Personal data
                    </span>
                  </Tooltip>
                )}
                {dataSubject && (
                  <Tooltip title="Identifies the person the event is about; stored as a pseudonym">
                    <span className={classes.personal}>
                      <PersonIcon fontSize="small" aria-hidden />
                      Data subject
                    </span>
                  </Tooltip>
                )}
              </span>
            </TableCell>
            <TableCell>{field.description}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
