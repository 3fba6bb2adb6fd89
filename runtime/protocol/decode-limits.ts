/**
 * What a message body may hold and declare before it is decoded. Every
 * length in a msgpack body is also bounded by the bytes received, whatever
 * these limits say: a header may not declare more elements than bytes remain
 * (each element takes at least one), nor a longer payload than remains. That
 * rule alone makes decoding cost proportional to the body's size, as Python's
 * `msgpack.unpackb` bounds its lengths by its input's; these limits can only
 * tighten it.
 */
export interface DecodeLimits {
  /** How deep values may nest: the top-level value is at depth 1, the elements of a top-level array at 2. */
  readonly maxDepth: number;
  /** Elements of one array. */
  readonly maxArrayLength: number;
  /** Entries (key–value pairs) of one map. */
  readonly maxMapLength: number;
  /** Bytes of one string (utf-8). */
  readonly maxStrLength: number;
  /** Bytes of one bin value. */
  readonly maxBinLength: number;
  /** Payload bytes of one extension value. */
  readonly maxExtLength: number;
  /** Bytes of a text body (AUTHENTICATED, UNAUTHORIZED, HEARTBEAT). */
  readonly maxTextBody: number;
}

/**
 * Default {@link DecodeLimits.maxDepth}: 100, the depth our msgpack encoder
 * writes at most, so that every value a peer accepts it can also send back.
 * (Python's msgpack writes up to 511 and reads up to 1024.)
 */
export const DEFAULT_MAX_DEPTH = 100;

/**
 * Default of every length limit: 2^32 − 1, msgpack's own maximum, so that by
 * default only the bytes received bound a length (the byte rule of
 * {@link DecodeLimits}).
 */
export const DEFAULT_MAX_LENGTH = 2 ** 32 - 1;

/**
 * Default {@link DecodeLimits.maxTextBody}: 64 KiB. Text bodies are short
 * (an empty HEARTBEAT, "Authentication Required" and a challenge, "Welcome
 * b'login'"); the limit keeps a huge one from becoming a huge string.
 */
export const DEFAULT_MAX_TEXT_BODY = 64 * 1024;

/** The limits a peer decodes with unless its options say otherwise. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxDepth: DEFAULT_MAX_DEPTH,
  maxArrayLength: DEFAULT_MAX_LENGTH,
  maxMapLength: DEFAULT_MAX_LENGTH,
  maxStrLength: DEFAULT_MAX_LENGTH,
  maxBinLength: DEFAULT_MAX_LENGTH,
  maxExtLength: DEFAULT_MAX_LENGTH,
  maxTextBody: DEFAULT_MAX_TEXT_BODY,
});
