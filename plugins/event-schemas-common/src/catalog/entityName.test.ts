import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import { eventTypeEntityName } from './entityName';

const isValidEntityName = KubernetesValidatorFunctions.isValidObjectName;

describe('eventTypeEntityName', () => {
  it('keeps a name that is a valid entity name', () => {
    expect(eventTypeEntityName('com.example.playback.started')).toBe(
      'com.example.playback.started',
    );
    expect(eventTypeEntityName('A_b-9')).toBe('A_b-9');
    expect(eventTypeEntityName('x'.repeat(63))).toBe('x'.repeat(63));
  });

  it('shortens a long name to a readable prefix and a hash of the whole name', () => {
    const name = `com.example.${'very-long-namespace.'.repeat(5)}started`;
    const entityName = eventTypeEntityName(name);

    expect(entityName).toHaveLength(63);
    expect(isValidEntityName(entityName)).toBe(true);
    expect(entityName).toMatch(
      /^com\.example\.very-long-namespace\.very-long-name-[0-9a-f]{16}$/,
    );
    expect(eventTypeEntityName(name)).toBe(entityName);
  });

  it('maps long names that share their first characters to different names', () => {
    const prefix = `com.example.${'a'.repeat(100)}`;
    const names = [
      `${prefix}.started`,
      `${prefix}.stopped`,
      `${prefix}-started`,
    ];
    const entityNames = names.map(name => eventTypeEntityName(name));

    expect(new Set(entityNames).size).toBe(names.length);
    for (const entityName of entityNames) {
      expect(isValidEntityName(entityName)).toBe(true);
    }
  });

  it('hashes a name the catalog would reject at either end', () => {
    for (const name of ['_internal.started', 'com.example.started.', '-x-']) {
      const entityName = eventTypeEntityName(name);
      expect(isValidEntityName(entityName)).toBe(true);
      expect(entityName).not.toBe(name);
    }
    expect(eventTypeEntityName('_internal.started')).toMatch(
      /^internal\.started-[0-9a-f]{16}$/,
    );
    expect(eventTypeEntityName('com.example.started.')).toMatch(
      /^com\.example\.started-[0-9a-f]{16}$/,
    );
    expect(eventTypeEntityName('___')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is stable across releases, as a changed mapping would re-create every entity', () => {
    // 64-bit FNV-1a of '_' and of the 128-character name.
    expect(eventTypeEntityName('_')).toBe('af64124c8602484e');
    expect(eventTypeEntityName(`com.example.${'x'.repeat(116)}`)).toBe(
      `com.example.${'x'.repeat(34)}-892163cdd6676380`,
    );
  });
});
