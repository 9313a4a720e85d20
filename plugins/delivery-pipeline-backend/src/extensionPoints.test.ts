import {
  deliveryPipelineExporterExtensionPoint,
  deliveryPipelinePersonalDataExtensionPoint,
  deliveryPipelineProducerExtensionPoint,
  deliveryPipelineStorageExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
  EventTransport,
  KeyEncryptionKey,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { InProcessProducers } from './ingest/InProcessProducers';
import { registerExtensionPoints } from './extensionPoints';

describe('registerExtensionPoints', () => {
  function register() {
    const points = new Map<string, any>();
    const modules = registerExtensionPoints({
      registerExtensionPoint: (ref: { id: string }, impl: unknown) => {
        points.set(ref.id, impl);
      },
    } as any);
    return { modules, point: (ref: { id: string }) => points.get(ref.id) };
  }

  it('collects what modules set, once each', () => {
    const { modules, point } = register();
    expect(modules).toEqual({
      exporters: [],
      producers: expect.any(InProcessProducers),
    });
    // The producer extension point is the in-process producers' registry.
    expect(point(deliveryPipelineProducerExtensionPoint)).toBe(
      modules.producers,
    );
    const transport = { name: 't' } as unknown as EventTransport;
    const storage = { name: 's' } as unknown as PartitionStorage;
    const key = { name: 'k' } as unknown as KeyEncryptionKey;
    point(deliveryPipelineTransportExtensionPoint).setTransport(transport);
    point(deliveryPipelineStorageExtensionPoint).setStorage(storage);
    point(deliveryPipelinePersonalDataExtensionPoint).setKeyEncryptionKey(key);
    const warehouse = { name: 'warehouse', export: async () => {} };
    point(deliveryPipelineExporterExtensionPoint).addExporter(warehouse);
    expect(modules).toEqual({
      transport,
      storage,
      keyEncryptionKey: key,
      exporters: [warehouse],
      producers: modules.producers,
    });

    expect(() =>
      point(deliveryPipelineTransportExtensionPoint).setTransport(transport),
    ).toThrow('A delivery pipeline transport was already set');
    expect(() =>
      point(deliveryPipelineStorageExtensionPoint).setStorage(storage),
    ).toThrow('A delivery pipeline storage was already set');
    expect(() =>
      point(deliveryPipelinePersonalDataExtensionPoint).setKeyEncryptionKey(
        key,
      ),
    ).toThrow('A delivery pipeline key-encryption key was already set');
    expect(() =>
      point(deliveryPipelineExporterExtensionPoint).addExporter({
        ...warehouse,
      }),
    ).toThrow(
      "A delivery pipeline exporter named 'warehouse' was already added",
    );
    expect(modules.exporters).toEqual([warehouse]);
  });
});
