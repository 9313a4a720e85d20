import { eventSchemasPlugin } from './plugin';

describe('event-schemas', () => {
  it('should export plugin', () => {
    expect(eventSchemasPlugin).toBeDefined();
  });
});
