import { eventDataFields } from './eventDataFields';

describe('eventDataFields', () => {
  it('opens objects and arrays of objects, and keeps arrays of plain values whole', () => {
    expect(
      eventDataFields({
        track_id: 't-1',
        device: { os: 'ios', screen: { width: 390 } },
        tags: ['a', 'b'],
        contacts: [{ kind: 'home' }, null],
        matrix: [[{ x: 1 }]],
        empty: {},
        none: [],
        missing: null,
      }),
    ).toEqual([
      { path: 'track_id', value: 't-1' },
      { path: 'device.os', value: 'ios' },
      { path: 'device.screen.width', value: 390 },
      { path: 'tags', value: ['a', 'b'] },
      { path: 'contacts[0].kind', value: 'home' },
      { path: 'contacts[1]', value: null },
      { path: 'matrix[0][0].x', value: 1 },
      { path: 'empty', value: {} },
      { path: 'none', value: [] },
      { path: 'missing', value: null },
    ]);
  });

  it('gives data that is not an object as one value without a path', () => {
    expect(eventDataFields('text')).toEqual([{ path: '', value: 'text' }]);
    expect(eventDataFields(undefined)).toEqual([
      { path: '', value: undefined },
    ]);
  });
});
