import zlib from 'node:zlib';
import { crc32Combine } from './GzipParts';

describe('crc32Combine', () => {
  it('gives the CRC-32 of two byte strings one after the other', () => {
    const a = Buffer.from('the first part, ');
    for (const length of [0, 1, 7, 100, 70_000]) {
      const b = Buffer.alloc(length, 'xyz');
      expect(crc32Combine(zlib.crc32(a), zlib.crc32(b), b.length)).toBe(
        zlib.crc32(Buffer.concat([a, b])),
      );
    }
  });
});
