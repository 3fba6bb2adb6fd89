import { decodeTimestampExtension, EXT_TIMESTAMP, ExtData } from "@msgpack/msgpack";
import { ProtocolError } from "../errors.js";
import type { DecodeLimits } from "./decode-limits.js";
import { PICKLED_EXT_TYPES } from "./pickled-ext.js";


/** A container open while reading: an array, or a map read into a plain object. */
type Container = unknown[] | Record<string, unknown>;

/**
 * The enclosing containers of a read, outermost first, with what each still
 * has to read (negated for a map) and, for a map, the key whose value is
 * being read. One set of arrays serves every read whose `maxDepth` is at
 * most {@link SHARED_STACK_DEPTH} (a read runs to its end or throws, and
 * calls nothing that could start another), so that reading a body allocates
 * only its values; a read allowed deeper gets arrays of its own, freed with
 * it, so that a hostile body cannot leave the shared ones millions deep.
 */
interface Stack {
  readonly containers: (Container | undefined)[];
  readonly lefts: number[];
  readonly keys: string[];
}
const sharedStack: Stack = { containers: [], lefts: [], keys: [] };
/** The deepest `maxDepth` that reads with the shared stack (the default is 100). */
const SHARED_STACK_DEPTH = 128;

/**
 * Strings up to this many bytes are read by a JavaScript loop when they are
 * ASCII, which is about twice as cheap as a call into the TextDecoder (most
 * keys, method names and short text).
 */
const SHORT_STRING = 32;
/** For each length up to {@link SHORT_STRING}, an array of that many character codes, filled and read by one readString at a time. */
const CHAR_CODES = Array.from({ length: SHORT_STRING + 1 }, (_, length) => new Array<number>(length).fill(0));
/** Refuses invalid utf-8, as Python's msgpack does (`unicode_errors="strict"`), and keeps a leading BOM as text. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Eight bytes to read a big-endian float through, in the machine's own order. */
const floatBytes = new Uint8Array(8);
const float32 = new Float32Array(floatBytes.buffer, 0, 1);
const float64 = new Float64Array(floatBytes.buffer);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Bytes of each value of fixed size, its head included, by head byte (nil, booleans, numbers above fixint); 0 for the rest. */
const FIXED_SIZES = new Uint8Array(256);
for (const [heads, size] of [
  [[0xc0, 0xc2, 0xc3], 1],
  [[0xcc, 0xd0], 2],
  [[0xcd, 0xd1], 3],
  [[0xce, 0xd2, 0xca], 5],
  [[0xcf, 0xd3, 0xcb], 9],
] as const) {
  for (const head of heads) FIXED_SIZES[head] = size;
}

/**
 * Reads one msgpack value as pseud peers speak it (PROTOCOL.md, "Encoding
 * facts"): str → string (strict utf-8), bin → a Uint8Array view of `bytes`'
 * memory (no copy), maps → plain objects with string keys only, integers
 * within ±(2^53 − 1) → number and int64/uint64 beyond → bigint, the
 * timestamp extension (-1) → Date, the other negative (reserved) types and
 * Python's pickled extensions (123–126) refused, other extensions → ExtData.
 *
 * Every header is checked before what it declares is read or allocated:
 * against `limits`, and against the bytes left (no more elements than bytes
 * remain, each taking at least one; no longer payload than remains). So a
 * hostile body costs time and memory in proportion to its size, never to
 * what it declares, and nesting costs no JavaScript stack. Throws
 * {@link ProtocolError} (fault BODY or PICKLED_EXT) for what it refuses: such
 * a header, nesting deeper than `limits.maxDepth`, a truncated value,
 * trailing bytes, the unused byte 0xc1, a non-string map key or
 * `__proto__`, invalid utf-8; and @msgpack/msgpack's DecodeError for a
 * timestamp of a size msgpack does not define.
 */
export function readBody(bytes: Uint8Array, limits: DecodeLimits): unknown {
  const stack = limits.maxDepth <= SHARED_STACK_DEPTH ? sharedStack : { containers: [], lefts: [], keys: [] };
  try {
    return read(bytes, limits, stack);
  } catch (error) {
    // Nothing of a refused body (containers, keys) may stay reachable through the shared stack.
    stack.containers.fill(undefined);
    stack.keys.fill("");
    throw error;
  }
}

function read(bytes: Uint8Array, limits: DecodeLimits, stack: Stack): unknown {
  const end = bytes.length;
  const { maxDepth, maxArrayLength, maxMapLength, maxStrLength, maxBinLength, maxExtLength } = limits;
  const { containers, lefts, keys } = stack;
  /** The innermost open container; none while reading the top-level value. */
  let container: Container | undefined;
  let isMap = false;
  /** Values still to read in `container` (a map's entry is two); at first, the one top-level value. */
  let left = 1;
  /** In a map, the key whose value comes next. */
  let key = "";
  /** Containers open around `container` (entries of the stack in use). */
  let depth = 0;
  /**
   * Values the containers open around `container` still need after the one
   * being read in each (a byte each at least): a container's declared
   * values must fit the bytes left after these and after `container`'s own
   * (left − 1), or nested headers that each fit the body's end would make
   * arrays that together hold many times its size before it is refused.
   */
  let owed = 0;
  let pos = 0;
  // One loop, the commonest heads first: this runs over every body received.
  for (;;) {
    if (pos >= end) throw bad(`it ends at offset ${pos}, where a value should start`);
    const start = pos;
    const head = bytes[pos] as number;
    // A map's key (while its values left are even) must be a str.
    if (isMap && (left & 1) === 0 && !(head >= 0xa0 && head <= 0xbf) && !(head >= 0xd9 && head <= 0xdb))
      throw bad(`the map key at offset ${start} is ${headName(head)}, not a string (pseud maps have string keys only)`);
    let value: unknown;
    if (head <= 0x7f) {
      value = head;
      pos += 1;
    } else if (head >= 0xe0) {
      value = head - 0x100;
      pos += 1;
    } else if (head >= 0xa0 && head <= 0xbf) {
      const length = head & 0x1f;
      if (length > maxStrLength) throw bad(`a string of ${length} bytes at offset ${start} is over the limit of ${maxStrLength}`);
      pos += 1;
      if (length > end - pos) throw bad(`a string of ${length} bytes at offset ${start} runs past the body's end`);
      value = readString(bytes, pos, length, start);
      pos += length;
    } else {
      /** Bytes of the head and its length field (and an extension's type byte). */
      let header = 1;
      /** A payload's or a container's declared length; -1 for a value of fixed size, read here. */
      let length = -1;
      const size = FIXED_SIZES[head] as number;
      if (size !== 0) {
        if (pos + size > end) throw bad(`it ends inside the value at offset ${pos}`);
        switch (head) {
          case 0xc0: value = null; break;
          case 0xc2: value = false; break;
          case 0xc3: value = true; break;
          case 0xcc: value = bytes[pos + 1]; break;
          case 0xcd: value = readU16(bytes, pos + 1); break;
          case 0xce: value = readU32(bytes, pos + 1); break;
          case 0xcf: value = readU64(bytes, pos + 1); break;
          case 0xd0: value = ((bytes[pos + 1] as number) << 24) >> 24; break;
          case 0xd1: value = (readU16(bytes, pos + 1) << 16) >> 16; break;
          case 0xd2: value = readU32(bytes, pos + 1) | 0; break;
          case 0xd3: value = readI64(bytes, pos + 1); break;
          case 0xca: value = readFloat(bytes, pos + 1, 4); break;
          default: value = readFloat(bytes, pos + 1, 8); // 0xcb
        }
        pos += size;
      } else if (head <= 0x9f) length = head & 0x0f; // fixmap, fixarray
      else {
        switch (head) {
          case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: // fixext 1…16: type byte, then 2^(head − 0xd4) bytes
            header = 2;
            length = 1 << (head - 0xd4);
            break;
          case 0xc4: case 0xd9: case 0xc7: header = 2; break; // bin, str, ext 8
          case 0xc5: case 0xda: case 0xc8: case 0xdc: case 0xde: header = 3; break; // … 16
          case 0xc6: case 0xdb: case 0xc9: case 0xdd: case 0xdf: header = 5; break; // … 32
          default: // 0xc1, the one byte msgpack never uses
            throw bad(`byte 0xc1 at offset ${pos} is not msgpack`);
        }
        if (length === -1) {
          if (pos + header > end) throw bad(`it ends inside the header at offset ${pos}`);
          length = header === 2 ? (bytes[pos + 1] as number) : header === 3 ? readU16(bytes, pos + 1) : readU32(bytes, pos + 1);
          if (head >= 0xc7 && head <= 0xc9) header++; // ext: the type byte follows the length
        }
      }
      if (length !== -1) {
        if (head <= 0x9f || head >= 0xdc) {
          // An array or a map.
          const map = head <= 0x8f || head >= 0xde;
          const name = map ? "a map" : "an array";
          const max = map ? maxMapLength : maxArrayLength;
          const values = map ? 2 * length : length;
          pos += header;
          if (length > max) throw bad(`${name} of ${length} at offset ${start} is over the limit of ${max}`);
          const free = end - pos - owed - (left - 1);
          if (values > free) throw bad(`${name} of ${length} at offset ${start} declares more values than the ${free} bytes left for it`);
          if (values > 0) {
            // Its values sit one level below it.
            if (depth + 2 > maxDepth) throw bad(`values nest deeper than ${maxDepth} at offset ${start}`);
            containers[depth] = container;
            lefts[depth] = isMap ? -left : left;
            keys[depth] = key;
            depth++;
            owed += left - 1;
            container = map ? {} : new Array<unknown>(length);
            isMap = map;
            left = values;
            continue;
          }
          value = map ? {} : [];
        } else {
          // A str, bin or extension payload.
          const max = head >= 0xd9 ? maxStrLength : head <= 0xc6 ? maxBinLength : maxExtLength;
          if (length > max) throw bad(`${payloadName(head)} of ${length} bytes at offset ${start} is over the limit of ${max}`);
          if (length > end - pos - header) throw bad(`${payloadName(head)} of ${length} bytes at offset ${start} runs past the body's end`);
          const at = pos + header;
          if (head >= 0xd9) value = readString(bytes, at, length, start);
          else if (head <= 0xc6) value = new Uint8Array(bytes.buffer, bytes.byteOffset + at, length);
          else value = readExtension(new Uint8Array(bytes.buffer, bytes.byteOffset + at, length), ((bytes[at - 1] as number) << 24) >> 24);
          pos = at + length;
        }
      }
    }
    // A value is complete; so, maybe, are the containers it ends.
    for (;;) {
      if (container === undefined) {
        if (pos !== end) throw bad(`${end - pos} bytes follow the value`);
        return value;
      }
      if (isMap) {
        if ((left & 1) === 0) {
          if (value === "__proto__") throw bad(`the map key "__proto__" at offset ${start} is refused`);
          key = value as string;
          left--;
          break;
        }
        (container as Record<string, unknown>)[key] = value;
      } else (container as unknown[])[(container as unknown[]).length - left] = value;
      if (--left !== 0) break;
      value = container;
      depth--;
      container = containers[depth];
      containers[depth] = undefined; // the stack keeps nothing once a read is done
      left = lefts[depth] as number;
      isMap = left < 0;
      if (isMap) left = -left;
      key = keys[depth] as string;
      keys[depth] = "";
      owed -= left - 1;
    }
  }
}

function readString(bytes: Uint8Array, at: number, length: number, start: number): string {
  if (length > SHORT_STRING) return readUtf8(bytes, at, length, start);
  const codes = CHAR_CODES[length] as number[];
  for (let i = 0; i < length; i++) {
    const byte = bytes[at + i] as number;
    if (byte >= 0x80) return readUtf8(bytes, at, length, start);
    codes[i] = byte;
  }
  return String.fromCharCode.apply(null, codes);
}

function readUtf8(bytes: Uint8Array, at: number, length: number, start: number): string {
  try {
    return utf8.decode(bytes.subarray(at, at + length));
  } catch (error) {
    // The decoder refuses invalid utf-8 with a TypeError; a string longer than V8's strings can be throws otherwise.
    if (error instanceof TypeError) throw bad(`the string of ${length} bytes at offset ${start} is not valid utf-8`);
    throw bad(`the string of ${length} bytes at offset ${start} is longer than a JavaScript string can be`);
  }
}

/** An extension value as pseud reads it: the timestamp (-1) as a Date, the other negative (reserved) types and the pickled Python ones refused, others as ExtData. */
function readExtension(data: Uint8Array, type: number): unknown {
  if (type === EXT_TIMESTAMP) {
    // Nanoseconds are below 10^9 (Python's msgpack refuses more; @msgpack/msgpack would carry them into the seconds).
    const nanoseconds = data.length === 8 ? readU32(data, 0) >>> 2 : data.length === 12 ? readU32(data, 0) : 0;
    if (nanoseconds > 999_999_999) throw bad(`a timestamp's nanoseconds (${nanoseconds}) are over 999999999`);
    return decodeTimestampExtension(data);
  }
  // msgpack reserves the negative types but -1; Python's msgpack refuses them too.
  if (type < 0) throw bad(`extension type ${type} is reserved by msgpack`);
  const pythonType = PICKLED_EXT_TYPES[type];
  if (pythonType !== undefined) {
    throw new ProtocolError(
      "PICKLED_EXT",
      `msgpack extension type ${type} (a pickled Python ${pythonType}) is refused: ` +
        "pickles from a peer are unsafe; send dates as the msgpack timestamp extension (-1)",
    );
  }
  return new ExtData(type, data);
}

function readU16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number));
}

/** A uint64: a number when it is at most 2^53 − 1, a bigint beyond. */
function readU64(bytes: Uint8Array, at: number): number | bigint {
  const high = readU32(bytes, at);
  const low = readU32(bytes, at + 4);
  if (high < 0x200000) return high * 0x100000000 + low;
  return (BigInt(high) << 32n) | BigInt(low);
}

/** An int64: a number when it lies within ±(2^53 − 1), a bigint beyond. */
function readI64(bytes: Uint8Array, at: number): number | bigint {
  const high = readU32(bytes, at) | 0;
  const low = readU32(bytes, at + 4);
  // Exact while |high| ≤ 2^21; of those, only −2^53 itself is not safe.
  if (high >= -0x200000 && high < 0x200000) {
    const value = high * 0x100000000 + low;
    if (Number.isSafeInteger(value)) return value;
  }
  return (BigInt(high) << 32n) | BigInt(low);
}

function readFloat(bytes: Uint8Array, at: number, size: 4 | 8): number {
  for (let i = 0; i < size; i++) floatBytes[LITTLE_ENDIAN ? size - 1 - i : i] = bytes[at + i] as number;
  return size === 4 ? (float32[0] as number) : (float64[0] as number);
}

/** What a head byte introduces, for a refused map key. */
function headName(head: number): string {
  if (head <= 0x7f || head >= 0xe0 || (head >= 0xcc && head <= 0xd3)) return "an integer";
  if (head <= 0x8f || head === 0xde || head === 0xdf) return "a map";
  if (head <= 0x9f || head === 0xdc || head === 0xdd) return "an array";
  if (head === 0xc0) return "nil";
  if (head === 0xc2 || head === 0xc3) return "a boolean";
  if (head === 0xca || head === 0xcb) return "a float";
  if (head === 0xc1) return "the unused byte 0xc1";
  return payloadName(head);
}

/** What a head byte above 0xc0 with a payload holds. */
function payloadName(head: number): string {
  if (head >= 0xd9) return "a string";
  return head <= 0xc6 ? "a bin" : "an extension";
}

function bad(message: string): ProtocolError {
  return new ProtocolError("BODY", `body refused: ${message}`);
}
