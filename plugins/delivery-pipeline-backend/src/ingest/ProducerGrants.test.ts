import { ConfigReader } from '@backstage/config';
import { ProducerGrants } from './ProducerGrants';

describe('ProducerGrants', () => {
  const grants = ProducerGrants.fromConfig(
    new ConfigReader({
      deliveryPipeline: {
        ingest: {
          producers: [
            {
              subject: 'playback-service',
              eventTypes: ['com.example.playback.*', 'com.example.heartbeat'],
              sources: ['//playback-service/*'],
            },
            { subject: 'search-service', eventTypes: ['com.example.search.*'] },
            { subject: 'local-dev-producer', eventTypes: ['*'] },
          ],
        },
      },
    }),
  );

  it('lets a listed service send its types from its sources', () => {
    expect(
      grants.check('playback-service', {
        type: 'com.example.playback.started',
        source: '//playback-service/eu-west-1',
      }),
    ).toBeUndefined();
    expect(
      grants.check('playback-service', {
        type: 'com.example.heartbeat',
        source: '//playback-service/us',
      }),
    ).toBeUndefined();
    expect(
      grants.check('search-service', {
        type: 'com.example.search.performed',
        source: 'anything',
      }),
    ).toBeUndefined();
    expect(
      grants.check('local-dev-producer', {
        type: 'com.example.billing.paid',
        source: 'x',
      }),
    ).toBeUndefined();
  });

  it('names what a listed service may not send', () => {
    expect(
      grants.check('playback-service', {
        type: 'com.example.search.performed',
        source: '//playback-service/eu',
      }),
    ).toBe(
      "Service 'playback-service' may not produce events of type 'com.example.search.performed' (deliveryPipeline.ingest.producers)",
    );
    expect(
      grants.check('playback-service', {
        type: 'com.example.playback.started',
        source: '//search-service/eu',
      }),
    ).toMatch(
      /^Service 'playback-service' may not produce events from source '\/\/search-service\/eu' \(deliveryPipeline.ingest.producers;/,
    );
    // An exact entry is not a prefix.
    expect(
      grants.check('playback-service', {
        type: 'com.example.heartbeat.v2',
        source: '//playback-service/eu',
      }),
    ).toMatch(/may not produce events of type/);
  });

  it('checks only the type of an event without a source (one that could not be parsed)', () => {
    expect(
      grants.check('playback-service', { type: 'com.example.playback.x' }),
    ).toBeUndefined();
    expect(
      grants.check('playback-service', { type: 'com.example.search.x' }),
    ).toMatch(/may not produce events of type/);
  });

  it('refuses services that are not listed', () => {
    // Before: a subject not listed was not limited at all.
    expect(
      grants.check('billing-service', {
        type: 'com.example.playback.started',
        source: '//playback-service/eu',
      }),
    ).toBe(
      "Service 'billing-service' may not produce events: it is not listed in deliveryPipeline.ingest.producers",
    );
  });

  it.each([
    '//playback-service/../billing',
    '//playback-service/eu/../../billing',
    '//playback-service/%2e%2e/billing',
    '//playback-service/%2E%2E/billing',
    '//playback-service/.%2e/billing',
    '//playback-service/..%2Fbilling',
    '//playback-service/..\\billing',
    '//playback-service-evil/eu',
    '//PLAYBACK-service-evil/eu',
  ])(
    'matches sources in normal form: %s is not under //playback-service/*',
    source => {
      expect(
        grants.check('playback-service', {
          type: 'com.example.playback.started',
          source,
        }),
      ).toMatch(/may not produce events from source/);
    },
  );

  it.each([
    '//playback-service/eu/',
    '//playback-service//eu',
    '//playback-service/./eu',
    '//playback-service/eu/x/../y',
    '//Playback-Service/eu',
    '//playback-service/%65u',
    '//playback-service',
  ])('accepts %s, the same source spelled differently', source => {
    expect(
      grants.check('playback-service', {
        type: 'com.example.playback.started',
        source,
      }),
    ).toBeUndefined();
  });
});
