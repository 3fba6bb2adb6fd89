import { ProtocolError } from "../errors.js";

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

/** How scanBody reads a head byte: a value of fixed size, a payload (str, bin, ext), an array or a map. */
const FIXED = 0;
const PAYLOAD = 1;
const ARRAY = 2;
const MAP = 3;

/** scanBody saw an int64 or uint64: the decoded value may hold bigints that fit a number. */
export const SAW_INT64 = 1;
/** scanBody saw a bin or an extension: the decoded value holds views of the body's memory. */
export const SAW_BYTES = 2;

/**
 * The `left` of each enclosing array or map during a scan, outermost first:
 * one array for every scan whose `maxDepth` is at most
 * {@link SHARED_STACK_DEPTH} (a scan runs to its end or throws, and calls
 * nothing that could start another), so a body received costs no
 * allocation here. A scan allowed deeper gets an array of its own, freed
 * with it: a hostile body must not leave the shared one millions deep.
 */
const sharedOuter: number[] = [];
/** The deepest `maxDepth` that scans with the shared stack (the default is 100). */
const SHARED_STACK_DEPTH = 128;

/**
 * Walks one msgpack value's headers without decoding it, and throws
 * {@link ProtocolError} (fault BODY) for what decoding must not meet: a
 * header that declares more than the bytes left or the limits allow, nesting
 * deeper than `limits.maxDepth`, a truncated value, trailing bytes, the
 * unused byte 0xc1. Costs O(bytes) time and O(depth) memory, whatever the
 * headers declare; what passes decodes in O(bytes) too. Returns what the
 * decoder must know of: {@link SAW_INT64} and {@link SAW_BYTES}, or'd.
 */
export function scanBody(bytes: Uint8Array, limits: DecodeLimits): number {
  const end = bytes.length;
  const { maxDepth, maxArrayLength, maxMapLength, maxStrLength, maxBinLength, maxExtLength } = limits;
  /** Values still to read in the innermost open array or map (a map's entry is two); at first, the one top-level value. */
  let left = 1;
  const outer = maxDepth <= SHARED_STACK_DEPTH ? sharedOuter : [];
  /** Entries of `outer` in use. */
  let depth = 0;
  let pos = 0;
  let seen = 0;
  // One loop, small integers only, the commonest heads first: this runs over every body received.
  for (;;) {
    if (pos >= end) throw bad(`it ends at offset ${pos}, where a value should start`);
    const start = pos;
    const head = bytes[pos] as number;
    if (head <= 0x7f || head >= 0xe0) pos += 1; // fixint
    else if (head >= 0xa0 && head <= 0xbf) {
      // fixstr
      const length = head & 0x1f;
      if (length > maxStrLength) throw bad(`a string of ${length} bytes at offset ${start} is over the limit of ${maxStrLength}`);
      pos += 1 + length;
      if (pos > end) throw bad(`a string of ${length} bytes at offset ${start} runs past the body's end`);
    } else {
      /** Bytes of the head and its length field (and an extension's type byte). */
      let header = 1;
      /** A payload's or a container's declared length. */
      let length = 0;
      let kind = FIXED;
      if (head <= 0x8f) {
        kind = MAP;
        length = head & 0x0f;
      } else if (head <= 0x9f) {
        kind = ARRAY;
        length = head & 0x0f;
      } else {
        switch (head) {
          case 0xc0: case 0xc2: case 0xc3: pos += 1; break; // nil, false, true
          case 0xcc: case 0xd0: pos += 2; break; // (u)int 8
          case 0xcd: case 0xd1: pos += 3; break; // (u)int 16
          case 0xce: case 0xd2: case 0xca: pos += 5; break; // (u)int 32, float 32
          case 0xcb: pos += 9; break; // float 64
          case 0xcf: case 0xd3: seen |= SAW_INT64; pos += 9; break; // (u)int 64
          case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: // fixext 1…16: type byte, then 2^(head − 0xd4) bytes
            kind = PAYLOAD;
            header = 2;
            length = 1 << (head - 0xd4);
            break;
          case 0xc4: case 0xd9: case 0xc7: header = 2; break; // bin, str, ext 8
          case 0xc5: case 0xda: case 0xc8: case 0xdc: case 0xde: header = 3; break; // … 16
          case 0xc6: case 0xdb: case 0xc9: case 0xdd: case 0xdf: header = 5; break; // … 32
          default: // 0xc1, the one byte msgpack never uses
            throw bad(`byte 0xc1 at offset ${pos} is not msgpack`);
        }
        if (header > 1 && kind === FIXED) {
          if (pos + header > end) throw bad(`it ends inside the header at offset ${pos}`);
          length = header === 2 ? (bytes[pos + 1] as number) : header === 3 ? readU16(bytes, pos + 1) : readU32(bytes, pos + 1);
          kind = head === 0xdc || head === 0xdd ? ARRAY : head === 0xde || head === 0xdf ? MAP : PAYLOAD;
          if (head >= 0xc7 && head <= 0xc9) header++; // ext: the type byte follows the length
        }
      }
      if (kind === PAYLOAD) {
        const max = head >= 0xd9 ? maxStrLength : head <= 0xc6 ? maxBinLength : maxExtLength;
        if (length > max) throw bad(`${payloadName(head)} of ${length} bytes at offset ${start} is over the limit of ${max}`);
        if (length > end - pos - header) throw bad(`${payloadName(head)} of ${length} bytes at offset ${start} runs past the body's end`);
        if (head < 0xd9) seen |= SAW_BYTES; // bin, ext and fixext: below the str heads
        pos += header + length;
      } else if (kind !== FIXED) {
        pos += header;
        const max = kind === ARRAY ? maxArrayLength : maxMapLength;
        const values = kind === ARRAY ? length : 2 * length;
        const name = kind === ARRAY ? "an array" : "a map";
        if (length > max) throw bad(`${name} of ${length} at offset ${start} is over the limit of ${max}`);
        if (values > end - pos) throw bad(`${name} of ${length} at offset ${start} declares more values than the ${end - pos} bytes left`);
        if (values > 0) {
          // Its values sit one level below it.
          if (depth + 2 > maxDepth) throw bad(`values nest deeper than ${maxDepth} at offset ${start}`);
          outer[depth++] = left;
          left = values;
          continue;
        }
      } else if (pos > end) throw bad(`it ends inside the value at offset ${start}`);
    }
    // A value is complete; so, maybe, are the containers it ends.
    while (--left === 0) {
      if (depth === 0) {
        if (pos !== end) throw bad(`${end - pos} bytes follow the value`);
        return seen;
      }
      left = outer[--depth] as number;
    }
  }
}

function readU16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number));
}

/** What a head byte above 0xc0 with a payload holds. */
function payloadName(head: number): string {
  if (head >= 0xd9) return "a string";
  return head <= 0xc6 ? "a bin" : "an extension";
}

function bad(message: string): ProtocolError {
  return new ProtocolError("BODY", `body refused before decoding: ${message}`);
}
