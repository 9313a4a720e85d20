import { ConfigReader } from '@backstage/config';
import path from 'node:path';
import { readContractDelivery } from './readContractDelivery';

describe('readContractDelivery', () => {
  it('leaves out every fact whose key is absent', () => {
    expect(readContractDelivery(new ConfigReader({}))('a.b')).toEqual({});
  });

  it('reads the local pipeline keys', () => {
    const delivery = readContractDelivery(
      new ConfigReader({
        deliveryPipeline: {
          partitions: { width: { minutes: 15 } },
          storage: { directory: 'data/storage' },
        },
      }),
    );
    expect(delivery('a.b')).toEqual({
      partitionWidth: 'PT900S',
      storage: { type: 'local', directory: path.resolve('data/storage') },
    });
  });

  it('prefers the GCP storage and adds the BigQuery table', () => {
    const delivery = readContractDelivery(
      new ConfigReader({
        deliveryPipeline: {
          partitions: { width: 'PT1H' },
          storage: { directory: 'data/storage' },
          gcp: {
            projectId: 'acme',
            storage: { bucket: 'events', prefix: 'dp/' },
            bigquery: { datasetId: 'events' },
          },
        },
      }),
    );
    expect(delivery('com.example.played')).toEqual({
      partitionWidth: 'PT3600S',
      storage: { type: 'gcs', bucket: 'events', prefix: 'dp/' },
      bigQuery: {
        project: 'acme',
        dataset: 'events',
        table: 'com_example_played',
      },
    });
  });

  it('leaves BigQuery out without a project', () => {
    const delivery = readContractDelivery(
      new ConfigReader({
        deliveryPipeline: { gcp: { bigquery: { datasetId: 'events' } } },
      }),
    );
    expect(delivery('a.b')).toEqual({});
  });
});
