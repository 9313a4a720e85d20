import { release } from './bytes';

describe('release', () => {
  it('frees typed arrays with a buffer of their own at once', () => {
    const table = new Int32Array(64 * 1024);
    const view = new Uint8Array(table.buffer, 4, 16);
    const file = Buffer.allocUnsafeSlow(1024 * 1024);
    release(table, file);
    expect(table.length).toBe(0);
    expect(view.length).toBe(0);
    expect(file.length).toBe(0);
  });

  it("leaves small arrays, Node's pooled Buffers among them, to the garbage collector", () => {
    const pooled = Buffer.from('a pooled buffer');
    const neighbour = Buffer.from('its neighbour in the pool');
    const small = new Int32Array(16);
    release(pooled, small, undefined);
    expect(pooled.toString()).toBe('a pooled buffer');
    expect(neighbour.toString()).toBe('its neighbour in the pool');
    expect(small.length).toBe(16);
  });
});
