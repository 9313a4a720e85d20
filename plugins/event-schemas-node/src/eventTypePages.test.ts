import { ConfigReader } from '@backstage/config';
import {
  eventTypePagePath,
  eventTypePageUrl,
  readEventTypesPath,
} from './eventTypePages';

function config(eventTypesPath?: string, baseUrl = 'http://localhost:3000') {
  return new ConfigReader({
    app: { baseUrl },
    ...(eventTypesPath !== undefined
      ? { eventSchemas: { portal: { eventTypesPath } } }
      : {}),
  });
}

describe('event type pages', () => {
  it('are under /event-types by default', () => {
    expect(eventTypePagePath(config(), 'com.example.a', 'delivery')).toBe(
      '/event-types/com.example.a/delivery',
    );
    expect(eventTypePageUrl(config(), 'com.example.a')).toBe(
      'http://localhost:3000/event-types/com.example.a',
    );
  });

  it('follow eventSchemas.portal.eventTypesPath and app.baseUrl', () => {
    const changed = config('/data/events/', 'https://portal.example.com/');
    expect(readEventTypesPath(changed)).toBe('/data/events');
    expect(eventTypePageUrl(changed, 'com.example.a', 'versions')).toBe(
      'https://portal.example.com/data/events/com.example.a/versions',
    );
  });

  it('encode the name', () => {
    expect(eventTypePagePath(config(), 'a/b c', 'overview')).toBe(
      '/event-types/a%2Fb%20c/overview',
    );
  });

  it.each(['event-types', '//evil.example.com', '/a?b', '/a#b'])(
    'refuse the path %p',
    path => {
      expect(() => readEventTypesPath(config(path))).toThrow(
        /Invalid eventSchemas\.portal\.eventTypesPath .* starting with one '\/'/,
      );
    },
  );
});
