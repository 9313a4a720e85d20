import { normalizeSource } from './normalizeSource';

describe('normalizeSource', () => {
  it.each([
    ['//playback-service/eu', '//playback-service/eu'],
    ['//playback-service/eu/', '//playback-service/eu'],
    ['//playback-service//eu', '//playback-service/eu'],
    ['//Playback-Service/EU', '//playback-service/EU'],
    ['//playback-service/./eu/x/../y', '//playback-service/eu/y'],
    ['//playback-service/%2e%2E/x', undefined],
    ['//playback-service/%7euser', '//playback-service/~user'],
    ['//playback-service/a%2fb', undefined],
    ['https://example.com/a/../b?x=/../y', 'https://example.com/b?x=/../y'],
    ['/relative/../../up', undefined],
    ['urn:example:thing', 'urn:example:thing'],
    ['//playback-service/../billing', undefined],
  ])('%s is %s', (source, normal) => {
    expect(normalizeSource(source)).toBe(normal);
  });
});
