import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  checkCompatibility,
  CompatibilityCheck,
  CompatibilityImpact,
  compatibilityImpact,
  CompatibilityResult,
} from '@data-collection/plugin-event-schemas-common';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { ConsumerDirectory } from './EventTypeConsumers';

/**
 * Who a schema change breaks: each problem of a compatibility check mapped
 * to the type's consumers that read its field.
 */
export class ConsumerImpact {
  constructor(
    private readonly options: {
      registry: SchemaRegistry;
      consumers: ConsumerDirectory;
      logger: LoggerService;
    },
  ) {}

  /**
   * The answer of the compatibility check: the check, and its impact when
   * the catalog answers. Without the catalog the check still answers, as it
   * did before impact existed, so that drafts can be checked.
   */
  async checkCompatibility(options: {
    name: string;
    schema: string;
  }): Promise<CompatibilityCheck> {
    try {
      return await this.ofDraft(options);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError)) throw error;
      this.options.logger.warn(`${error.message}; answering without impact`);
      return this.options.registry.checkCompatibility(options);
    }
  }

  /**
   * The check registration would make for a draft, and who its problems
   * break. Throws NotFoundError for an unknown type, InputError for an
   * invalid schema.
   */
  async ofDraft(options: {
    name: string;
    schema: string;
  }): Promise<CompatibilityResult & { impact: CompatibilityImpact }> {
    const { registry, consumers } = this.options;
    const result = await registry.checkCompatibility(options);
    const impact = compatibilityImpact({
      problems: result.problems,
      consumers: await consumers.list(options.name),
    });
    return { ...result, impact };
  }

  /**
   * Who breaks if `version` is removed, that is if the type rolls back to
   * the version before it: that version checked as a candidate against
   * `version` under the type's compatibility mode.
   */
  async ofRemoval(options: {
    name: string;
    version: number;
  }): Promise<CompatibilityImpact> {
    const { registry, consumers } = this.options;
    const { name, version } = options;
    const eventType = await registry.getEventType(name);
    const removed = await registry.getVersion({ name, version });
    if (version === 1) {
      throw new InputError(
        `Version 1 of event type '${name}' has no earlier version to roll back to; ask about a later version`,
      );
    }
    const earlier = await registry.getVersion({ name, version: version - 1 });
    const result = checkCompatibility({
      format: eventType.format,
      mode: eventType.compatibility,
      candidate: earlier.schema,
      previous: [removed.schema],
    });
    return compatibilityImpact({
      problems: result.problems,
      consumers: await consumers.list(name),
    });
  }
}
