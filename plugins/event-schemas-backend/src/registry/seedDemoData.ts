import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEventTypeRequest, parseRequest } from '../service/requests';
import { SchemaRegistry } from './SchemaRegistry';

/**
 * Registers the demo event types of `directory` that are not registered yet:
 * each `*.json` file is a `POST /event-types` body, plus optional `versions`,
 * the schemas of later versions in order. For a portal's first start, so that
 * the registry, the catalog and their pages have something to show.
 */
export async function seedDemoData(options: {
  registry: SchemaRegistry;
  directory: string;
  logger: LoggerService;
}): Promise<void> {
  const { registry, logger } = options;
  const directory = resolve(options.directory);
  const files = (await fs.readdir(directory))
    .filter(file => file.endsWith('.json'))
    .sort();
  for (const file of files) {
    try {
      const { versions = [], ...body } = JSON.parse(
        await fs.readFile(join(directory, file), 'utf8'),
      );
      const request = parseRequest({
        schema: createEventTypeRequest,
        value: body,
        what: `demo event type in ${file}`,
      });
      if (await registry.hasEventType(request.name)) continue;
      const createdBy = 'service:demo-data';
      await registry.createEventType({ request, createdBy });
      for (const schema of versions as unknown[]) {
        await registry.registerVersion({
          name: request.name,
          schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
          createdBy,
        });
      }
      logger.info(`Registered demo event type ${request.name} from ${file}`);
    } catch (error) {
      logger.warn(`Skipped demo event type ${file}`, toError(error));
    }
  }
}
