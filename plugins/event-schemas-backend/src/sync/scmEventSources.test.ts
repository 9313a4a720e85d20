import { sourcesChangedBy, ScmEventSource } from './scmEventSources';

const playback: ScmEventSource = {
  entityRef: 'component:default/playback-service',
  filesLocation: 'https://github.com/acme/playback/tree/main/event-types',
  entityLocation:
    'https://github.com/acme/playback/blob/main/catalog-info.yaml',
};
const playbackWeb: ScmEventSource = {
  entityRef: 'component:default/playback-web',
  filesLocation: 'https://github.com/acme/playback-web/tree/main/event-types',
};
const broken: ScmEventSource = {
  entityRef: 'component:default/broken',
  entityLocation: 'https://github.com/acme/broken/blob/main/catalog-info.yaml',
};
const sources = [playback, playbackWeb, broken];

describe('sourcesChangedBy', () => {
  it.each([
    [
      'an updated repository holding the files',
      { type: 'repository.updated', url: 'https://github.com/acme/playback' },
      [playback.entityRef],
    ],
    [
      'an updated repository, with a trailing slash',
      { type: 'repository.updated', url: 'https://github.com/acme/playback/' },
      [playback.entityRef],
    ],
    [
      'an updated branch of the repository',
      {
        type: 'repository.updated',
        url: 'https://github.com/acme/playback/tree/main',
      },
      [playback.entityRef],
    ],
    [
      'a location equal to the files directory',
      {
        type: 'location.updated',
        url: 'https://github.com/acme/playback/tree/main/event-types/',
      },
      [playback.entityRef],
    ],
    [
      'a file in the files directory, spelled blob',
      {
        type: 'location.updated',
        url: 'https://github.com/acme/playback/blob/main/event-types/played.yaml',
      },
      [playback.entityRef],
    ],
    [
      'a new file in the files directory',
      {
        type: 'location.created',
        url: 'https://github.com/acme/playback/blob/main/event-types/new.yaml',
      },
      [playback.entityRef],
    ],
    [
      'a file moved out of the files directory',
      {
        type: 'location.moved',
        fromUrl:
          'https://github.com/acme/playback/blob/main/event-types/old.yaml',
        toUrl: 'https://github.com/acme/playback/blob/main/attic/old.yaml',
      },
      [playback.entityRef],
    ],
    [
      "the entity's own file, whose annotation may have changed",
      {
        type: 'location.updated',
        url: 'https://github.com/acme/broken/blob/main/catalog-info.yaml',
      },
      [broken.entityRef],
    ],
  ])('matches %s', (_what, event, expected) => {
    expect(sourcesChangedBy({ events: [event as any], sources })).toEqual(
      expected,
    );
  });

  it.each([
    [
      'a repository whose name only starts the same',
      { type: 'repository.updated', url: 'https://github.com/acme/play' },
    ],
    [
      'another repository',
      { type: 'repository.updated', url: 'https://github.com/acme/other' },
    ],
    [
      'a repository URL with a query, as the catalog ignores it',
      { type: 'repository.updated', url: 'https://github.com/acme/playback?x' },
    ],
    [
      'a file beside the files directory',
      {
        type: 'location.updated',
        url: 'https://github.com/acme/playback/blob/main/event-types-old/a.yaml',
      },
    ],
    [
      'a file elsewhere in the repository',
      {
        type: 'location.updated',
        url: 'https://github.com/acme/playback/blob/main/README.md',
      },
    ],
    [
      'a deleted repository, which the schedule handles',
      { type: 'repository.deleted', url: 'https://github.com/acme/playback' },
    ],
    ['a URL that is no URL', { type: 'location.updated', url: 'not a url' }],
  ])('does not match %s', (_what, event) => {
    expect(sourcesChangedBy({ events: [event as any], sources })).toEqual([]);
  });

  it('names each source once for a burst of events', () => {
    expect(
      sourcesChangedBy({
        events: [
          {
            type: 'repository.updated',
            url: 'https://github.com/acme/playback',
          },
          {
            type: 'location.updated',
            url: 'https://github.com/acme/playback/blob/main/event-types/a.yaml',
          },
          {
            type: 'repository.updated',
            url: 'https://github.com/acme/playback-web',
          },
        ],
        sources,
      }),
    ).toEqual([playback.entityRef, playbackWeb.entityRef]);
  });
});
