/** The bytes in an ArrayBuffer of their own, which can be transferred. */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength
    ? bytes
    : new Uint8Array(bytes);
}

export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Typed arrays smaller than this are left to the garbage collector. */
const RELEASE_MIN_BYTES = 64 * 1024;

/**
 * Frees the memory of typed arrays this module allocated and no longer
 * needs, now: detaching their ArrayBuffer (`transfer(0)`) frees it at once,
 * whereas the garbage collector lets dead external memory pile up to ~64 MB
 * per thread before it runs, memory that counts in RSS against the bound.
 * Only for arrays with an ArrayBuffer of their own (not Node's small-Buffer
 * pool, which is below the threshold) that nothing else holds: every view
 * of a released buffer becomes empty.
 */
export function release(...views: Array<ArrayBufferView | undefined>): void {
  for (const view of views) {
    if (!view || view.byteLength < RELEASE_MIN_BYTES) continue;
    const buffer = view.buffer as ArrayBuffer & {
      transfer?: (length: number) => ArrayBuffer;
    };
    // Not `instanceof`, which is false for buffers of another realm (a
    // test runner's); not a SharedArrayBuffer, which cannot be detached.
    if (Object.prototype.toString.call(buffer) === '[object ArrayBuffer]') {
      buffer.transfer?.(0);
    }
  }
}
