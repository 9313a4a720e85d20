import { InputError } from '@backstage/errors';

/** The message, then each reason on a line of its own. */
function formatReasons(message: string, reasons: string[]): string {
  return [message, ...reasons.map(reason => `- ${reason}`)].join('\n');
}

/**
 * A schema the type's compatibility mode does not accept; `reasons` are the
 * registry's, one per problem. An InputError: the user changes the schema.
 *
 * @public
 */
export class IncompatibleSchemaError extends InputError {
  /** Why the schema is not compatible, one problem each. */
  readonly reasons: string[];

  constructor(message: string, reasons: string[]) {
    super(formatReasons(message, reasons));
    this.reasons = reasons;
  }
}
