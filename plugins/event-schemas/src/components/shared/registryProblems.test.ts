import { readRegistryProblems } from './registryProblems';

describe('readRegistryProblems', () => {
  it('reads each field of a request 400, list items by their value', () => {
    expect(
      readRegistryProblems(
        "Invalid event type: owner: must be a catalog group, e.g. group:default/playback; got kind 'user'; tags.1: must be lowercase; retention.raw: must be an ISO 8601 duration such as P30D or PT4H",
        { tags: ['ok', 'Mobile'] },
      ),
    ).toEqual([
      {
        path: 'owner',
        text: "must be a catalog group, e.g. group:default/playback; got kind 'user'",
      },
      { path: 'tags', text: "'Mobile': must be lowercase" },
      {
        path: 'retention.raw',
        text: 'must be an ISO 8601 duration such as P30D or PT4H',
      },
    ]);
  });

  it('keeps a problem of the whole request apart, without a field', () => {
    expect(
      readRegistryProblems("Invalid change: unknown field 'colour'"),
    ).toEqual([{ text: "unknown field 'colour'" }]);
  });

  it("reads one of the registry's own checks as one problem", () => {
    expect(
      readRegistryProblems(
        "personalDataFields: 'x' is not a field of the schema; its fields are: a, b",
      ),
    ).toEqual([
      {
        path: 'personalDataFields',
        text: "'x' is not a field of the schema; its fields are: a, b",
      },
    ]);
    expect(
      readRegistryProblems(
        'dataSubject: required when personalDataFields is set: name the string field that identifies the person an event is about, e.g. user_id; its string fields outside arrays and maps are: user_id, item_id',
      ),
    ).toEqual([
      {
        path: 'dataSubject',
        text: 'required when personalDataFields is set: name the string field that identifies the person an event is about, e.g. user_id; its string fields outside arrays and maps are: user_id, item_id',
      },
    ]);
    expect(
      readRegistryProblems(
        'Invalid change: dataSubject: must be at most 1024 characters; personalDataFields.0: is required',
        { personalDataFields: ['user.email'] },
      ),
    ).toEqual([
      { path: 'dataSubject', text: 'must be at most 1024 characters' },
      { path: 'personalDataFields', text: "'user.email': is required" },
    ]);
    expect(readRegistryProblems('Something else went wrong')).toEqual([
      { text: 'Something else went wrong' },
    ]);
  });
});
