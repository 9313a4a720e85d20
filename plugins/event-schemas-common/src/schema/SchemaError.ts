/**
 * A schema that cannot be used: invalid JSON, an unsupported format, a limit
 * exceeded, or a schema its own language rejects. The message is written for
 * the producer who submitted the schema and says what to fix.
 *
 * @public
 */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}
