import { schemaDiff } from './schemaDiff';

describe('schemaDiff', () => {
  it('ignores formatting and pairs a replaced line side by side', () => {
    const from =
      '{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"boolean"}}}';
    const to = JSON.stringify(
      {
        type: 'object',
        properties: { a: { type: 'integer' }, b: { type: 'boolean' } },
      },
      null,
      4,
    );
    const diff = schemaDiff(from, to);
    expect(diff).toMatchObject({ added: 1, removed: 1 });
    expect(diff.rows.filter(row => row.kind !== 'same')).toEqual([
      {
        kind: 'changed',
        left: { number: 5, text: '      "type": "string"' },
        right: { number: 5, text: '      "type": "integer"' },
      },
    ]);
    expect(diff.rows).toHaveLength(11);
  });

  it('finds no difference between the same schema written twice', () => {
    expect(schemaDiff('{"a": 1}', '{\n  "a": 1\n}')).toMatchObject({
      added: 0,
      removed: 0,
    });
  });

  it('numbers each side on its own when more lines come than go', () => {
    expect(schemaDiff('a\nb\nc', 'a\nx\ny\nz\nc')).toEqual({
      added: 3,
      removed: 1,
      rows: [
        {
          kind: 'same',
          left: { number: 1, text: 'a' },
          right: { number: 1, text: 'a' },
        },
        {
          kind: 'changed',
          left: { number: 2, text: 'b' },
          right: { number: 2, text: 'x' },
        },
        { kind: 'added', right: { number: 3, text: 'y' } },
        { kind: 'added', right: { number: 4, text: 'z' } },
        {
          kind: 'same',
          left: { number: 3, text: 'c' },
          right: { number: 5, text: 'c' },
        },
      ],
    });
  });
});
