import { ConfigReader } from '@backstage/config';
import { ProducerRestrictions } from './ProducerRestrictions';

describe('ProducerRestrictions', () => {
  const restrictions = ProducerRestrictions.fromConfig(
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
          ],
        },
      },
    }),
  );

  it('lets a listed producer send its types from its sources', () => {
    expect(
      restrictions.check('playback-service', {
        type: 'com.example.playback.started',
        source: '//playback-service/eu-west-1',
      }),
    ).toBeUndefined();
    expect(
      restrictions.check('playback-service', {
        type: 'com.example.heartbeat',
        source: '//playback-service/us',
      }),
    ).toBeUndefined();
    expect(
      restrictions.check('search-service', {
        type: 'com.example.search.performed',
        source: 'anything',
      }),
    ).toBeUndefined();
  });

  it('names what a listed producer may not send', () => {
    expect(
      restrictions.check('playback-service', {
        type: 'com.example.search.performed',
        source: '//playback-service/eu',
      }),
    ).toBe(
      "Producer 'playback-service' may not send events of type 'com.example.search.performed' (deliveryPipeline.ingest.producers)",
    );
    expect(
      restrictions.check('playback-service', {
        type: 'com.example.playback.started',
        source: '//search-service/eu',
      }),
    ).toBe(
      "Producer 'playback-service' may not send events from source '//search-service/eu' (deliveryPipeline.ingest.producers)",
    );
    // An exact entry is not a prefix.
    expect(
      restrictions.check('playback-service', {
        type: 'com.example.heartbeat.v2',
        source: '//playback-service/eu',
      }),
    ).toMatch(/may not send events of type/);
  });

  it('does not limit producers that are not listed', () => {
    expect(
      restrictions.check('user:default/guest', {
        type: 'com.example.anything',
        source: 'x',
      }),
    ).toBeUndefined();
  });
});
