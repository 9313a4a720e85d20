import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  CompatibilityImpact,
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { prettySchema } from '../diff/schemaDiff';
import { eventSchemasApiRef } from '../../../api';
import {
  errorMessage,
  OwnerOnlyButton,
  COMPATIBILITY_MODE_EXPLANATIONS,
} from '../../shared';
import { SchemaEditor } from '../../SchemaEditor';
import { ConsumerImpact } from './ConsumerImpact';
import { ReferrerVerdicts } from './ReferrerVerdicts';
import {
  acceptedForConsumers,
  DraftCheck as Check,
  useDraftCheck,
} from './useDraftCheck';

/** What came of pressing Register, when it did not register a version. */
type Refusal =
  | { kind: 'incompatible'; messages: string[] }
  | { kind: 'identical'; version: number }
  | { kind: 'error'; message: string };

const Reasons = (props: {
  messages: string[];
  impact?: CompatibilityImpact;
}) => (
  <Box component="ul" mt={1} mb={0} pl={3}>
    {props.messages.map(message => (
      <li key={message}>
        <Typography variant="body2">{message}</Typography>
        <ConsumerImpact message={message} impact={props.impact} />
      </li>
    ))}
  </Box>
);

const CheckStatus = (props: {
  check: Check;
  eventType: EventType;
  latest: number;
}) => {
  const { check, eventType } = props;
  const mode = eventType.compatibility;
  switch (check.state) {
    case 'unchanged':
      return (
        <Typography variant="body2" color="textSecondary">
          This is the schema of version {props.latest}: change it to check a new
          version.
        </Typography>
      );
    case 'checking':
      return <StatusPending>Checking…</StatusPending>;
    case 'invalid':
      return (
        <StatusError>
          Not a valid schema: see the message under the draft
        </StatusError>
      );
    case 'failed':
      return (
        <>
          <StatusError>
            Could not check the draft: {errorMessage(check.error)}
          </StatusError>{' '}
          <Button size="small" variant="outlined" onClick={check.retry}>
            Retry
          </Button>
        </>
      );
    case 'checked':
      if (check.result.compatible) {
        return <StatusOK>Compatible under {mode}</StatusOK>;
      }
      return acceptedForConsumers({ eventType, result: check.result }) ? (
        <>
          <StatusWarning>
            Not compatible under {mode}, but no consumer reads what breaks:
            accepted under the CONSUMERS scope
          </StatusWarning>
          <Reasons
            messages={check.result.messages}
            impact={check.result.impact}
          />
        </>
      ) : (
        <>
          <StatusError>Not compatible under {mode}</StatusError>
          <Reasons
            messages={check.result.messages}
            impact={check.result.impact}
          />
        </>
      );
    default:
      return null;
  }
};

/**
 * A draft of the next version, checked against the registry's rules as the
 * user types, and registered by an owner when it passes.
 */
export const DraftCheck = (props: {
  eventType: EventType;
  latest: EventTypeVersion;
  onRegistered: (version: EventTypeVersion) => void;
}) => {
  const { eventType, latest, onRegistered } = props;
  const api = useApi(eventSchemasApiRef);
  const alertApi = useApi(alertApiRef);
  // Pretty-printed: the registry keeps the schema as sent, often on one line.
  const [draft, setDraft] = useState(() => prettySchema(latest.schema));
  const [registering, setRegistering] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>();
  const check = useDraftCheck({
    eventType,
    draft,
    latestSchema: latest.schema,
  });
  const mode = eventType.compatibility;
  const next = latest.version + 1;

  const register = async () => {
    setRegistering(true);
    setRefusal(undefined);
    try {
      const outcome = await api.registerVersion(eventType.name, draft);
      if (!outcome.compatible) {
        setRefusal({ kind: 'incompatible', messages: outcome.messages });
      } else if (!outcome.created) {
        setRefusal({ kind: 'identical', version: outcome.version.version });
      } else {
        alertApi.post({
          message: `Registered version ${outcome.version.version} of ${eventType.name}`,
          severity: 'success',
          display: 'transient',
        });
        onRegistered(outcome.version);
      }
    } catch (error) {
      setRefusal({ kind: 'error', message: errorMessage(error as Error) });
    } finally {
      setRegistering(false);
    }
  };

  const blocked =
    check.state === 'invalid' ||
    (check.state === 'checked' &&
      !check.result.compatible &&
      !acceptedForConsumers({ eventType, result: check.result }));

  return (
    <InfoCard
      title="Check a draft"
      subheader={`${mode}: ${COMPATIBILITY_MODE_EXPLANATIONS[mode]}`}
    >
      <SchemaEditor
        label={`Draft of version ${next}`}
        value={draft}
        onChange={value => {
          setDraft(value);
          setRefusal(undefined);
        }}
        error={check.state === 'invalid' ? check.message : undefined}
        helperText="Paste or edit a schema: it is checked against the registered versions as you type."
      />
      <Box aria-live="polite" mb={2}>
        <CheckStatus
          check={check}
          eventType={eventType}
          latest={latest.version}
        />
        {check.state === 'checked' && (
          <ReferrerVerdicts referrers={check.result.referrers} />
        )}
      </Box>
      <OwnerOnlyButton
        eventType={eventType}
        variant="contained"
        color="primary"
        onClick={register}
        disabled={registering || blocked}
      >
        {registering ? 'Registering…' : `Register as version ${next}`}
      </OwnerOnlyButton>
      {refusal && (
        <Box mt={2} role="alert">
          {refusal.kind === 'identical' && (
            <Typography variant="body2">
              Nothing registered: this schema is identical to version{' '}
              {refusal.version}.
            </Typography>
          )}
          {refusal.kind === 'incompatible' && (
            <>
              <StatusError>
                Not registered: not compatible under {mode}
              </StatusError>
              <Reasons messages={refusal.messages} />
            </>
          )}
          {refusal.kind === 'error' && (
            <StatusError>Not registered: {refusal.message}</StatusError>
          )}
        </Box>
      )}
    </InfoCard>
  );
};
