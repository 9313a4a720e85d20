import { ConfigReader } from '@backstage/config';
import { readPipelineConfig } from './config';

const read = (signals?: object) =>
  readPipelineConfig(
    new ConfigReader(signals ? { deliveryPipeline: { signals } } : {}),
  );

describe('readPipelineConfig: signals', () => {
  it('sends partition signals to everyone unless told to send to owners', () => {
    expect(read().signals).toEqual({ audience: 'everyone' });
    expect(read({ audience: 'owners' }).signals).toEqual({
      audience: 'owners',
    });
  });

  it('refuses an audience it does not know, naming those it does', () => {
    expect(() => read({ audience: 'admins' })).toThrow(
      "deliveryPipeline.signals.audience must be one of everyone, owners; got 'admins'",
    );
  });
});
