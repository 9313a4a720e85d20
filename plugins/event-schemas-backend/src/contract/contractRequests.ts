import { InputError } from '@backstage/errors';
import {
  ContractError,
  ContractEventType,
  contractToEventType,
} from '@data-collection/plugin-event-schemas-common';
import { parse as parseYaml } from 'yaml';

/** The content type of a contract sent or served as YAML. */
export const CONTRACT_YAML_TYPE = 'application/yaml';

/**
 * The create request for a contract sent to `POST /contracts`: a parsed JSON
 * body, or YAML text. Anything that is not a contract the registry can read
 * is an InputError naming the problem.
 */
export function eventTypeOfContractBody(body: unknown): ContractEventType {
  let contract = body;
  if (typeof body === 'string') {
    try {
      // Aliases are bounded by the library's maxAliasCount (100), so an
      // alias bomb fails instead of expanding.
      contract = parseYaml(body);
    } catch (error) {
      throw new InputError(
        `The contract is not valid YAML: ${(error as Error).message}`,
      );
    }
  }
  try {
    return contractToEventType(contract);
  } catch (error) {
    if (error instanceof ContractError) {
      throw new InputError(
        `The contract cannot be registered as an event type: ${error.message}`,
      );
    }
    throw error;
  }
}

/** The `version` query parameter of the contract route; undefined for latest. */
export function contractVersionQuery(value: unknown): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const text = String(value);
  if (!/^[1-9]\d{0,8}$/.test(text)) {
    throw new InputError(
      `version must be a version number from 1; got '${text.slice(0, 50)}'`,
    );
  }
  return Number(text);
}
