import {
  isDataSubjectCandidate,
  isInArrayOrMap,
  isInsideField,
  isStringField,
} from './dataSubject';
import { SchemaField } from './fieldListing';

const field = (path: string, type: string): SchemaField => ({
  path,
  name: path.split('.').pop()!,
  type,
  required: false,
});

describe('data subject fields', () => {
  it('finds arrays and maps on the way to a field', () => {
    expect(isInArrayOrMap('user_id')).toBe(false);
    expect(isInArrayOrMap('user.id')).toBe(false);
    expect(isInArrayOrMap('tracks[].id')).toBe(true);
    expect(isInArrayOrMap('ids[]')).toBe(true);
    expect(isInArrayOrMap('attributes.{}.id')).toBe(true);
    expect(isInArrayOrMap('{}')).toBe(true);
  });

  it('counts strings, nullable strings and Avro uuids as strings', () => {
    expect(isStringField(field('a', 'string'))).toBe(true);
    expect(isStringField(field('a', 'string|null'))).toBe(true);
    expect(isStringField(field('a', 'null|string'))).toBe(true);
    expect(isStringField(field('a', 'uuid'))).toBe(true);
    expect(isStringField(field('a', 'integer'))).toBe(false);
    expect(isStringField(field('a', 'string|integer'))).toBe(false);
    expect(isStringField(field('a', 'null'))).toBe(false);
    expect(isStringField(field('a', 'any'))).toBe(false);
    expect(isStringField(field('a', 'array<string>'))).toBe(false);
  });

  it('offers string fields outside arrays and maps as the data subject', () => {
    expect(isDataSubjectCandidate(field('user.id', 'string'))).toBe(true);
    expect(isDataSubjectCandidate(field('tracks[].id', 'string'))).toBe(false);
    expect(isDataSubjectCandidate(field('user.age', 'integer'))).toBe(false);
  });

  it('tells whether a field lies inside another', () => {
    expect(isInsideField({ path: 'user.id', parent: 'user' })).toBe(true);
    expect(isInsideField({ path: 'user.address.zip', parent: 'user' })).toBe(
      true,
    );
    expect(isInsideField({ path: 'tracks[].id', parent: 'tracks' })).toBe(true);
    expect(isInsideField({ path: 'user', parent: 'user' })).toBe(false);
    expect(isInsideField({ path: 'user_id', parent: 'user' })).toBe(false);
    expect(isInsideField({ path: 'user', parent: 'user.id' })).toBe(false);
  });
});
