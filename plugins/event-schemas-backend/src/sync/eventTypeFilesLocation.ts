import {
  Entity,
  getEntitySourceLocation,
  parseLocationRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { ANNOTATION_EVENT_TYPE_FILES } from '@data-collection/plugin-event-schemas-common';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The URL of the directory an entity's `event-schemas/event-types`
 * annotation names, for the URL reader. Resolved as TechDocs resolves
 * `backstage.io/techdocs-ref` (techdocs-node's `getLocationForEntity`):
 * `dir:` against the entity's source location (`backstage.io/source-location`,
 * else `backstage.io/managed-by-location`) through the SCM integrations,
 * or the local directory of a `file:` location; `url:` as it is. Throws
 * InputError saying what is wrong with the annotation.
 */
export function eventTypeFilesLocation(options: {
  entity: Entity;
  integrations: ScmIntegrationRegistry;
}): string {
  const { entity, integrations } = options;
  const value = entity.metadata.annotations?.[ANNOTATION_EVENT_TYPE_FILES];
  if (!value) {
    throw new InputError(`has no ${ANNOTATION_EVENT_TYPE_FILES} annotation`);
  }
  let ref: { type: string; target: string };
  try {
    ref = parseLocationRef(value);
  } catch {
    throw new InputError(
      `${ANNOTATION_EVENT_TYPE_FILES} must be dir:<relative path> or url:<absolute URL>, got '${value}'`,
    );
  }
  if (ref.type === 'url') {
    if (!/^https?:\/\//i.test(ref.target)) {
      throw new InputError(
        `${ANNOTATION_EVENT_TYPE_FILES}: url: must be an absolute http(s) URL, got '${ref.target}'`,
      );
    }
    return ref.target;
  }
  if (ref.type !== 'dir') {
    throw new InputError(
      `${ANNOTATION_EVENT_TYPE_FILES} must be dir:<relative path> or url:<absolute URL>, got type '${ref.type}'`,
    );
  }
  // Relative only: an absolute path would let a repository's catalog-info
  // name any directory of the host the registry runs on.
  if (isAbsolute(ref.target) || /^[a-z][a-z0-9+.-]*:/i.test(ref.target)) {
    throw new InputError(
      `${ANNOTATION_EVENT_TYPE_FILES}: dir: must be relative to the entity's location, got '${ref.target}'`,
    );
  }
  const source = getEntitySourceLocation(entity);
  if (source.type === 'url') {
    return integrations.resolveUrl({ url: ref.target, base: source.target });
  }
  if (source.type === 'file') {
    return pathToFileURL(resolve(dirname(source.target), ref.target)).href;
  }
  throw new InputError(
    `${ANNOTATION_EVENT_TYPE_FILES}: dir: cannot be resolved against a '${source.type}' location`,
  );
}

/** The URL of a file of the tree at `directory`, for people to open. */
export function eventTypeFileUrl(options: {
  directory: string;
  path: string;
  integrations: ScmIntegrationRegistry;
}): string {
  const { directory, path, integrations } = options;
  const base = directory.endsWith('/') ? directory : `${directory}/`;
  if (base.startsWith('file:')) return new URL(path, base).href;
  return integrations.resolveUrl({ url: path, base });
}
