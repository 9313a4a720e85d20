import { eventTypeEntityName } from '@data-collection/plugin-event-schemas-common';
import {
  datasetEntityName,
  datasetEntityRef,
  describePersonalData,
  personalDataAnnotations,
} from './catalog';

const VALID_ENTITY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

describe('datasetEntityName', () => {
  it('is the API entity name with a -dataset suffix when that fits', () => {
    expect(datasetEntityName('com.example.playback.started')).toBe(
      'com.example.playback.started-dataset',
    );
    const fits = `com.example.${'a'.repeat(43)}`;
    expect(fits).toHaveLength(55);
    expect(datasetEntityName(fits)).toBe(`${fits}-dataset`);
    // Not a valid entity name as it is, so the API name is shortened already.
    expect(datasetEntityName('com.example.trailing_')).toBe(
      `${eventTypeEntityName('com.example.trailing_')}-dataset`,
    );
  });

  it('shortens longer names by a prefix and the API name hash, within 63 characters', () => {
    const long = `com.example.${'x'.repeat(116)}`;
    const apiName = eventTypeEntityName(long);
    const hash = apiName.slice(-16);

    const name = datasetEntityName(long);
    expect(name).toHaveLength(63);
    expect(name).toMatch(VALID_ENTITY_NAME);
    expect(name).toBe(`com.example.${'x'.repeat(26)}-${hash}-dataset`);
  });

  it('shortens valid names of 56 to 63 characters, which the API keeps as they are', () => {
    const names = [56, 60, 63].map(
      length => `com.example.${'y'.repeat(length - 12)}`,
    );
    const shortened = names.map(datasetEntityName);
    for (const [index, name] of shortened.entries()) {
      expect(eventTypeEntityName(names[index])).toBe(names[index]);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(VALID_ENTITY_NAME);
      expect(name).toMatch(/-[0-9a-f]{16}-dataset$/);
    }
    expect(new Set(shortened).size).toBe(names.length);
  });

  it('maps names sharing a long prefix to different datasets, always the same way', () => {
    const prefix = `com.example.${'z'.repeat(60)}`;
    const a = datasetEntityName(`${prefix}.a`);
    const b = datasetEntityName(`${prefix}.b`);
    expect(a).not.toBe(b);
    expect(datasetEntityName(`${prefix}.a`)).toBe(a);
  });

  it('copes with names without any usable prefix', () => {
    const name = datasetEntityName(`_${'.'.repeat(70)}`);
    expect(name).toMatch(/^[0-9a-f]{16}-dataset$/);
  });
});

describe('datasetEntityRef', () => {
  it('is the ref consumers depend on', () => {
    expect(datasetEntityRef('com.example.search.performed')).toBe(
      'resource:default/com.example.search.performed-dataset',
    );
  });
});

describe('personalDataAnnotations and describePersonalData', () => {
  it('list the personal fields with the data subject, and say how they are stored', () => {
    // A type registered before data subjects: its subject is added.
    const eventType = {
      personalDataFields: ['email', 'contacts[].phone'],
      dataSubject: 'user.id',
    };
    expect(personalDataAnnotations(eventType)).toEqual({
      'delivery-pipeline/personal-data-fields':
        'email,contacts[].phone,user.id',
      'delivery-pipeline/data-subject': 'user.id',
      'delivery-pipeline/personal-data-storage': 'encrypted-per-data-subject',
    });
    expect(describePersonalData(eventType)).toBe(
      "email, contacts[].phone are personal data, encrypted with a key per person (the person named by user.id): erasing the person makes their values unreadable in every copy, and reading them in clear needs delivery-pipeline.personal-data.read. user.id holds the person's pseudonym, not their id, the same in every event type until they are erased.",
    );
  });

  it('say nothing of a type without personal data, and no subject when it has none', () => {
    expect(personalDataAnnotations({ personalDataFields: [] })).toEqual({});
    expect(describePersonalData({ personalDataFields: [] })).toBe('');

    const withoutSubject = { personalDataFields: ['email'] };
    expect(personalDataAnnotations(withoutSubject)).toEqual({
      'delivery-pipeline/personal-data-fields': 'email',
      'delivery-pipeline/personal-data-storage': 'encrypted-per-data-subject',
    });
    expect(describePersonalData(withoutSubject)).toBe(
      'email is personal data, encrypted with a key per person: erasing the person makes their values unreadable in every copy, and reading them in clear needs delivery-pipeline.personal-data.read.',
    );
  });
});
