import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { eventTypeFilesLocation } from './eventTypeFilesLocation';

const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'playback-service', annotations },
    spec: { owner: 'playback' },
  };
}

describe('eventTypeFilesLocation', () => {
  it('resolves dir: against the entity source location, as TechDocs does', () => {
    expect(
      eventTypeFilesLocation({
        entity: entity({
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/playback/blob/main/catalog-info.yaml',
          'event-schemas/event-types': 'dir:./event-types',
        }),
        integrations,
      }),
    ).toBe('https://github.com/acme/playback/tree/main/event-types');
    expect(
      eventTypeFilesLocation({
        entity: entity({
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/playback/blob/main/catalog-info.yaml',
          'backstage.io/source-location':
            'url:https://github.com/acme/playback/tree/main/service/',
          'event-schemas/event-types': 'dir:events',
        }),
        integrations,
      }),
    ).toBe('https://github.com/acme/playback/tree/main/service/events');
  });

  it('resolves dir: of a file location to a local file: URL', () => {
    expect(
      eventTypeFilesLocation({
        entity: entity({
          'backstage.io/managed-by-location':
            'file:/srv/portal/examples/entities.yaml',
          'event-schemas/event-types': 'dir:./event-types',
        }),
        integrations,
      }),
    ).toBe('file:///srv/portal/examples/event-types');
  });

  it('takes url: as it is', () => {
    expect(
      eventTypeFilesLocation({
        entity: entity({
          'event-schemas/event-types':
            'url:https://github.com/acme/schemas/tree/main/playback',
        }),
        integrations,
      }),
    ).toBe('https://github.com/acme/schemas/tree/main/playback');
  });

  it.each([
    ['event-types', 'must be dir:<relative path> or url:<absolute URL>'],
    ['dir:/etc', "dir: must be relative to the entity's location"],
    ['url:./relative', 'url: must be an absolute http(s) URL'],
    ['git:whatever', "got type 'git'"],
  ])('refuses %p with a reason', (value, reason) => {
    expect(() =>
      eventTypeFilesLocation({
        entity: entity({
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/playback/blob/main/catalog-info.yaml',
          'event-schemas/event-types': value,
        }),
        integrations,
      }),
    ).toThrow(reason);
  });
});
