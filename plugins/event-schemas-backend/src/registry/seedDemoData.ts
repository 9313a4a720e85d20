import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  isEventTypeFilePath,
  readEventTypeFile,
} from '@data-collection/plugin-event-schemas-common';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEventTypeRequest, parseRequest } from '../service/requests';
import { SchemaRegistry } from './SchemaRegistry';

/**
 * Registers the event type files at the top of `directory`, for a demo
 * portal's first start and for tests: a type not registered yet is
 * created; a type registered already gets the file's schema as its next
 * version, unless it has it (so directories given in order, the earlier
 * versions first, build a history). The demo portal uses it only for the
 * history that a repository keeps in git: the earlier version of a type
 * whose current file the sync registers (examples/demo-history/). Types in
 * repositories are registered by the sync, not by this.
 */
export async function seedDemoData(options: {
  registry: SchemaRegistry;
  directory: string;
  logger: LoggerService;
}): Promise<void> {
  const { registry, logger } = options;
  const directory = resolve(options.directory);
  const files = (await fs.readdir(directory))
    .filter(file => isEventTypeFilePath(file))
    .sort();
  for (const file of files) {
    try {
      const { definition } = await readEventTypeFile({
        path: file,
        text: await fs.readFile(join(directory, file), 'utf8'),
        // resolveSchemaFilePath keeps the path inside `directory`.
        readFile: path => fs.readFile(join(directory, path), 'utf8'),
      });
      const request = parseRequest({
        schema: createEventTypeRequest,
        value: definition,
        what: `demo event type in ${file}`,
      });
      if (await registry.hasEventType(request.name)) {
        const { created } = await registry.registerVersion({
          name: request.name,
          schema: request.schema,
          createdBy: 'service:demo-data',
        });
        if (created) {
          logger.info(
            `Registered a demo version of ${request.name} from ${file}`,
          );
        }
        continue;
      }
      await registry.createEventType({
        request,
        createdBy: 'service:demo-data',
      });
      logger.info(`Registered demo event type ${request.name} from ${file}`);
    } catch (error) {
      logger.warn(`Skipped demo event type ${file}`, toError(error));
    }
  }
}
