import { isJsonMediaType, isUtf8Charset, parseMediaType } from './mediaType';

describe('parseMediaType', () => {
  it.each([
    ['application/json', 'application', 'json', {}],
    ['Application/JSON', 'application', 'json', {}],
    [' application/json ', 'application', 'json', {}],
    [
      'application/cloudevents+json; charset=UTF-8',
      'application',
      'cloudevents+json',
      { charset: 'UTF-8' },
    ],
    ['text/json;charset=utf-8', 'text', 'json', { charset: 'utf-8' }],
    ['a/b; Charset="utf-8"', 'a', 'b', { charset: 'utf-8' }],
    [
      'a/b; x="semi;colon \\"q\\""; y=1',
      'a',
      'b',
      { x: 'semi;colon "q"', y: '1' },
    ],
    ['a/b;', 'a', 'b', {}],
    ['a/b;; y=1 ;', 'a', 'b', { y: '1' }],
  ])('parses %j', (value, type, subtype, parameters) => {
    expect(parseMediaType(value)).toEqual({ type, subtype, parameters });
  });

  it.each([
    '',
    'json',
    '/json',
    'application/',
    'application/json/x',
    'appli cation/json',
    'application/json; charset',
    'application/json; charset=',
    'application/json; charset=utf 8',
    'application/json; charset="utf-8',
    'application/json; charset="x" y',
    'application/json; =x',
  ])('rejects %j', value => {
    expect(parseMediaType(value)).toBeUndefined();
  });
});

describe('isJsonMediaType', () => {
  it.each([
    ['application/json', true],
    ['text/json', true],
    ['application/vnd.example.order+json', true],
    ['application/cloudevents+json', true],
    ['text/plain', false],
    ['application/jsonx', false],
    ['application/json-seq', false],
    ['application/octet-stream', false],
  ])('%s -> %s', (value, expected) => {
    expect(isJsonMediaType(parseMediaType(value)!)).toBe(expected);
  });
});

describe('isUtf8Charset', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/json; charset=UTF-8', true],
    ['application/json; charset=utf8', true],
    ['application/json; charset=iso-8859-1', false],
    ['application/json; charset=utf-16', false],
  ])('%s -> %s', (value, expected) => {
    expect(isUtf8Charset(parseMediaType(value)!)).toBe(expected);
  });
});
