import { EXT_TIMESTAMP, ExtData, encodeTimestampExtension } from "@msgpack/msgpack";
import { EncodeError, TooLargeError } from "../errors.js";
import { DEFAULT_MAX_DEPTH } from "./decode-limits.js";
import { PICKLED_EXT_TYPES } from "./pickled-ext.js";

/**
 * The encode memory kept from one message to the next: one slab of 8 KiB,
 * the size of Node's own pool of small Buffers. Messages are written one
 * after another into the slab and handed out as views of it, never
 * overwritten (no copy out); when it is full, a new slab takes the next
 * messages, and the old one lives only as long as their views. So a message
 * kept (a pending call's WORK, a reply queued for a slow peer) keeps at most
 * 8 KiB alive, as a copy from Node's pool would; a 64 KiB slab measured no
 * faster, and 1,000 pending calls amid other traffic pinned 62 MiB with it.
 * A message that would take more than half a slab is written into memory of
 * its own, handed out whole: a 200 MB message pins nothing after it, and a
 * large payload is copied once, into the memory that is sent.
 */
export const MAX_RETAINED_ENCODE_BUFFER = 8 * 1024;
const SLAB_BYTES = MAX_RETAINED_ENCODE_BUFFER;
/** Room left after a large payload in memory of its own, for the rest of its message (a WORK's kwargs, say). */
const OWN_SLACK = 256;
/** The most that room() is asked for beyond what is then written: a number's 9 bytes, of which 1 may be used. */
const MAX_UNUSED_ROOM = 8;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const TWO_POW_32 = 2 ** 32;
/** Strings of fewer UTF-16 units than this are written by JavaScript loops: cheaper than the three calls into C++ of longer ones. */
const SHORT_STRING = 64;

/** The slab the next small message is written into, and the next free byte of it (a multiple of 8). */
let shared = Buffer.allocUnsafeSlow(SLAB_BYTES);
let sharedNext = 0;
/** Where the message being written goes: `shared`, or memory of its own; the next byte to write, and where it starts. */
let target = shared;
let pos = 0;
let start = 0;
/** A write is under way: a getter or proxy in the value that encodes must not write over it. */
let writing = false;
/** The most bytes the message being written may take. */
let limit = Number.POSITIVE_INFINITY;

/**
 * Writes one value as msgpack, as pseud peers speak it (PROTOCOL.md,
 * "Encoding facts"; the forms Python's msgpack writes): string → str (utf-8),
 * numbers in their smallest integer form when they are safe integers
 * (float64 otherwise), bigint → int64/uint64, Uint8Array and other
 * ArrayBufferViews → bin, arrays, plain objects → maps of their own
 * enumerable keys, `null` and `undefined` → nil, `Date` → the timestamp
 * extension (-1), ExtData → its extension. Returns a view of memory no later
 * message overwrites (no copy out). Throws {@link EncodeError}, and only
 * that, for what msgpack cannot carry: functions, symbols, Map and Set,
 * bigints outside the 64-bit range, an invalid Date, a string holding a lone
 * surrogate, ExtData of a negative (reserved) or pickled (123–126) type, values nested deeper
 * than {@link DEFAULT_MAX_DEPTH}; for an encode started from inside this one;
 * and for whatever a getter or proxy in the value throws. Throws
 * {@link TooLargeError} for a body of more than `maxBytes`, once that is
 * certain: the rest of the value is not written. A `maxBytes` that is not a
 * number ≥ 0 (Infinity, the default, for none) throws RangeError.
 */
export function writeBody(value: unknown, maxBytes = Number.POSITIVE_INFINITY): Buffer {
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) throw new RangeError(`maxBytes must be a number ≥ 0 (leave it out for no limit), got ${String(maxBytes)}`);
  if (writing) throw new EncodeError("a value cannot be encoded while another is being encoded (a getter or proxy that encodes)");
  writing = true;
  target = shared;
  start = pos = sharedNext;
  limit = maxBytes;
  try {
    write(value, 1);
    if (pos - start > limit) throw overLimit();
  } catch (error) {
    target = shared;
    throw asEncodeError(error);
  } finally {
    writing = false;
  }
  const message = target.subarray(start, pos);
  if (target === shared) sharedNext = (pos + 7) & ~7; // the next message starts aligned (at most at the slab's end: its size is a multiple of 8)
  target = shared;
  return message;
}

/**
 * What a write threw, as an EncodeError. A getter or proxy in the value can
 * throw anything, even what `instanceof` or `String` throw on (a revoked
 * proxy, a throwing toString): that is said, not thrown again.
 */
function asEncodeError(error: unknown): EncodeError {
  let text = "a thrown value that cannot be shown";
  try {
    if (error instanceof EncodeError) return error;
    text = String(error);
  } catch {
    // text stays as it is
  }
  return new EncodeError(`value cannot be encoded as msgpack: ${text}`, { cause: error });
}

/**
 * Makes room for `bytes` more. When the message so far and `bytes` fit half
 * a slab, they move to a new shared slab, which takes the messages after it
 * too; otherwise the message moves to memory of its own, of its size so far
 * and `bytes` (and {@link OWN_SLACK}), and the shared slab is left as it
 * was. Memory of its own that is outgrown grows by an eighth more than it
 * needs: a message growing by small writes is copied about nine times its
 * size in all, and its memory is at most an eighth larger than it. A
 * message that would outgrow its limit is refused before more memory is
 * made for it, and none is made beyond the limit.
 */
function room(bytes: number): void {
  if (pos + bytes <= target.length) return;
  const written = pos - start;
  const needed = written + bytes;
  if (needed > limit + MAX_UNUSED_ROOM) throw overLimit();
  const from = target;
  if (from === shared && needed <= SLAB_BYTES / 2) {
    target = shared = Buffer.allocUnsafeSlow(SLAB_BYTES);
    sharedNext = 0;
  } else target = Buffer.allocUnsafeSlow(Math.min(needed + (from === shared ? OWN_SLACK : Math.max(OWN_SLACK, needed >>> 3)), limit + MAX_UNUSED_ROOM));
  from.copy(target, 0, start, start + written);
  start = 0;
  pos = written;
}

function overLimit(): TooLargeError {
  return new TooLargeError(`the body is over ${limit} bytes, the most it may take`);
}

function write(value: unknown, depth: number): void {
  if (depth > DEFAULT_MAX_DEPTH) throw new EncodeError(`values nest deeper than ${DEFAULT_MAX_DEPTH}, the most a peer reads by default`);
  switch (typeof value) {
    case "string":
      return writeString(value);
    case "number":
      return writeNumber(value);
    case "boolean":
      room(1);
      target[pos++] = value ? 0xc3 : 0xc2;
      return;
    case "undefined":
      room(1);
      target[pos++] = 0xc0;
      return;
    case "bigint":
      return writeBigInt(value);
    case "object":
      if (value === null) {
        room(1);
        target[pos++] = 0xc0;
      } else if (Array.isArray(value)) writeArray(value, depth);
      else if (value instanceof Uint8Array) writeBin(value);
      else if (ArrayBuffer.isView(value)) writeBin(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      else if (value instanceof Date) writeDate(value);
      else if (value instanceof ExtData) writeExtData(value);
      else if (value instanceof Map || value instanceof Set)
        throw new EncodeError(`a ${value.constructor.name} cannot be encoded as msgpack; use a plain object or an array`);
      else writeMap(value as Record<string, unknown>, depth);
      return;
    default:
      throw new EncodeError(`a ${typeof value} cannot be encoded as msgpack`);
  }
}

function writeNumber(value: number): void {
  room(9);
  if (!Number.isSafeInteger(value)) {
    target[pos] = 0xcb;
    target.writeDoubleBE(value, pos + 1);
    pos += 9;
  } else if (value >= 0) {
    if (value < 0x80) target[pos++] = value;
    else if (value < 0x100) writeHead(0xcc, value, 1);
    else if (value < 0x10000) writeHead(0xcd, value, 2);
    else if (value < TWO_POW_32) writeHead(0xce, value, 4);
    else writeInt64(0xcf, Math.floor(value / TWO_POW_32), value >>> 0);
  } else if (value >= -0x20) target[pos++] = value & 0xff;
  else if (value >= -0x80) writeHead(0xd0, value & 0xff, 1);
  else if (value >= -0x8000) writeHead(0xd1, value & 0xffff, 2);
  else if (value >= -0x80000000) writeHead(0xd2, value >>> 0, 4);
  else {
    const high = Math.floor(value / TWO_POW_32);
    writeInt64(0xd3, high >>> 0, value - high * TWO_POW_32);
  }
}

function writeBigInt(value: bigint): void {
  if (value < INT64_MIN || value > UINT64_MAX) throw new EncodeError(`bigint ${value} is outside the 64-bit range msgpack can carry`);
  room(9);
  const bits = BigInt.asUintN(64, value);
  writeInt64(value >= 0n ? 0xcf : 0xd3, Number(bits >> 32n), Number(bits & 0xffffffffn));
}

/** A head and the two 32-bit halves of an int64 or uint64, as unsigned numbers; room made by the caller. */
function writeInt64(head: number, high: number, low: number): void {
  target[pos] = head;
  target.writeUInt32BE(high, pos + 1);
  target.writeUInt32BE(low, pos + 5);
  pos += 9;
}

/** A head and a big-endian unsigned length or value of 1, 2 or 4 bytes; room made by the caller. */
function writeHead(head: number, value: number, size: 1 | 2 | 4): void {
  target[pos] = head;
  if (size === 1) target[pos + 1] = value;
  else if (size === 2) target.writeUInt16BE(value, pos + 1);
  else target.writeUInt32BE(value, pos + 1);
  pos += 1 + size;
}

/** The header of a str, bin, array or map of `length`: the fix form below `fixLimit` (none when 0), then 8-, 16- and 32-bit lengths. */
function writeLength(length: number, fix: number, fixLimit: number, head8: number, head16: number, head32: number, what: string): void {
  room(5);
  if (length < fixLimit) target[pos++] = fix | length;
  else if (length < 0x100 && head8 !== 0) writeHead(head8, length, 1);
  else if (length < 0x10000) writeHead(head16, length, 2);
  else if (length < TWO_POW_32) writeHead(head32, length, 4);
  else throw new EncodeError(`${what} of ${length} is over msgpack's limit of 2^32 - 1`);
}

function writeString(text: string): void {
  const length = text.length;
  if (length >= SHORT_STRING) {
    // utf-8 takes at least a byte per UTF-16 unit: a string whose length alone is over the limit is not read at all.
    if (pos - start + length > limit) throw overLimit();
    if (!(text as unknown as WellFormed).isWellFormed()) throw loneSurrogate();
    const bytes = Buffer.byteLength(text, "utf8");
    writeStrHead(bytes);
    room(bytes);
    pos += target.write(text, pos, bytes, "utf8");
    return;
  }
  if (length < 32) {
    // Most keys and names: ASCII under 32 bytes, written in one pass behind a fixstr head (left for the loops below at the first other character).
    room(1 + length);
    let at = pos + 1;
    let i = 0;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      target[at++] = code;
    }
    if (i === length) {
      target[pos] = 0xa0 | length;
      pos = at;
      return;
    }
  }
  // Short: counted, then written, by JavaScript loops (cheaper than calls into C++ at this length).
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code < 0xd800 || code >= 0xe000) bytes += 2;
    else if (code < 0xdc00 && ((text.charCodeAt(i + 1) || 0) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 units
      i++;
    } else throw loneSurrogate();
  }
  writeStrHead(bytes);
  room(bytes);
  let at = pos;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) target[at++] = code;
    else if (code < 0x800) {
      target[at++] = 0xc0 | (code >> 6);
      target[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0xd800 || code >= 0xe000) {
      target[at++] = 0xe0 | (code >> 12);
      target[at++] = 0x80 | ((code >> 6) & 0x3f);
      target[at++] = 0x80 | (code & 0x3f);
    } else {
      const point = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      target[at++] = 0xf0 | (point >> 18);
      target[at++] = 0x80 | ((point >> 12) & 0x3f);
      target[at++] = 0x80 | ((point >> 6) & 0x3f);
      target[at++] = 0x80 | (point & 0x3f);
    }
  }
  pos = at;
}

/** A str header for `bytes` of utf-8: fixstr, str 8, 16 or 32. */
function writeStrHead(bytes: number): void {
  writeLength(bytes, 0xa0, 32, 0xd9, 0xda, 0xdb, "a string");
}

function loneSurrogate(): EncodeError {
  return new EncodeError("a string holding a lone surrogate cannot be encoded as utf-8");
}

/** ES2024's String.prototype.isWellFormed, which Node 20 has and our ES2022 lib does not declare. */
interface WellFormed {
  isWellFormed(): boolean;
}

function writeBin(bytes: Uint8Array): void {
  const length = lengthOf(bytes);
  writeLength(length, 0, 0, 0xc4, 0xc5, 0xc6, "a bin");
  room(length);
  target.set(bytes, pos);
  pos += length;
}

/** TypedArray.prototype's own `length` getter, which a subclass cannot override. */
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "length")?.get as (this: Uint8Array) => number;

/**
 * The bytes a Uint8Array holds, as `set` copies them: a subclass's `length`
 * that said more would leave the slab's bytes after the copy (another
 * message's, a HELLO's password say) in the body unwritten.
 */
function lengthOf(bytes: Uint8Array): number {
  return typedArrayLength.call(bytes);
}

function writeArray(values: readonly unknown[], depth: number): void {
  const length = values.length;
  writeLength(length, 0x90, 16, 0, 0xdc, 0xdd, "an array");
  for (let i = 0; i < length; i++) write(values[i], depth + 1);
}

function writeMap(record: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(record);
  writeLength(keys.length, 0x80, 16, 0, 0xde, 0xdf, "a map");
  for (const key of keys) {
    writeString(key);
    write(record[key], depth + 1);
  }
}

function writeDate(date: Date): void {
  if (Number.isNaN(date.getTime())) throw new EncodeError("an invalid Date cannot be encoded as msgpack");
  writeExtension(EXT_TIMESTAMP, encodeTimestampExtension(date) as Uint8Array);
}

function writeExtData(ext: ExtData): void {
  const { type, data } = ext;
  if (!Number.isInteger(type) || type < 0 || type > 127)
    throw new EncodeError(`extension type ${type} is not one of an application's (0 to 127; msgpack reserves the negative ones, -1 for the timestamp: send a Date)`);
  const pythonType = PICKLED_EXT_TYPES[type];
  if (pythonType !== undefined) throw new EncodeError(`extension type ${type} carries a pickled Python ${pythonType}, which a Python peer would unpickle: send a Date for a date`);
  if (!(data instanceof Uint8Array)) throw new EncodeError(`extension type ${type} has no bytes (data written on demand is not supported)`);
  writeExtension(type, data);
}

/** An extension: the fixext form for 1, 2, 4, 8 and 16 bytes, else ext 8, 16 or 32; then its type and bytes. */
function writeExtension(type: number, data: Uint8Array): void {
  const length = lengthOf(data);
  const fixHead = FIXEXT_HEADS[length];
  if (fixHead !== undefined) {
    room(1);
    target[pos++] = fixHead;
  } else writeLength(length, 0, 0, 0xc7, 0xc8, 0xc9, "an extension");
  room(1 + length);
  target[pos++] = type & 0xff;
  target.set(data, pos);
  pos += length;
}

const FIXEXT_HEADS: Readonly<Record<number, number>> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
