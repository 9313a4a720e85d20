/**
 * What scanRawFile (fileTasks.ts) tells the main thread about each line of
 * a raw file, and the seeds of the hashes it computes.
 */

/** Seeds, so that the hashes of content, sources and ids are unrelated. */
export const CONTENT_SEED = 0x1f0a4ab7;
export const SOURCE_SEED = 0x4b1e0ff3;
export const ID_SEED = 0x2d358dcc;

// What scanRawFile tells about each line, in two arrays. `lines`, what the
// main thread reads for every event, LINE_FIELDS int32s (64 bytes) a line:
export const LINE_FLAGS = 0;
/** Hash of the key: H1 picks the bucket, H2 the slot. */
export const LINE_H1 = 1;
export const LINE_H2 = 2;
/** 64-bit hash of the content: the line without its receivedAt. */
export const LINE_C1 = 3;
export const LINE_C2 = 4;
/** Receive time minus `time`, ms (with HAS_DELAY). */
export const LINE_DELAY = 5;
/**
 * The source's number in the scanning worker's dictionary, -1 when it is
 * full (see ScannedFile.newSources).
 */
export const LINE_SOURCE = 6;
/** With ID_IS_UUID: the 16 bytes of the id, as 4 little-endian int32s. */
export const LINE_UUID = 7;
/** Start and end (without the newline) of the line. */
export const LINE_START = 11;
export const LINE_END = 12;
export const LINE_FIELDS = 16;

// `cold`, read only for keys that are not a dictionary source and a UUID,
// COLD_FIELDS int32s a line:
/** The source's JSON text: text[start, end), or extra[...] with SOURCE_EXTRA. */
export const COLD_SOURCE_START = 0;
export const COLD_SOURCE_END = 1;
/** The id's JSON text, like the source's. */
export const COLD_ID_START = 2;
export const COLD_ID_END = 3;
export const COLD_FIELDS = 4;

export const BLANK = 1;
export const MALFORMED = 2;
export const ID_IS_UUID = 4;
export const SOURCE_EXTRA = 8;
export const ID_EXTRA = 16;
export const HAS_DELAY = 32;
