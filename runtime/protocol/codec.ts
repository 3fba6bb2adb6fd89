import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./decode-limits.js";
import { readBody } from "./read-body.js";
import { writeBody } from "./write-body.js";

/**
 * msgpack as pseud peers speak it (PROTOCOL.md, "Encoding facts"): str ↔
 * string, bin ↔ Uint8Array, maps with string keys only, `Date` ↔ the standard
 * timestamp extension (-1), integers beyond 2^53 ↔ bigint. Python's pickled
 * datetime extensions (123–126) are refused: unpickling a peer's bytes is a
 * remote-code-execution hole in the reference.
 *
 * Our own writer and reader (write-body.ts, read-body.ts): every body
 * received is read through header checks a general decoder does not make,
 * and both sides of every call pass through here, where @msgpack/msgpack's
 * general Encoder and Decoder cost two to three times as much (README,
 * performance notes). @msgpack/msgpack gives the ExtData class and the
 * timestamp's encoding, and is the oracle our tests compare both with.
 */

export { MAX_RETAINED_ENCODE_BUFFER } from "./write-body.js";

/**
 * Encodes one value (see {@link writeBody} for how each type is written).
 * The result is a view of memory shared with other messages, as Node's own
 * small Buffers are: its bytes are its own, but its `.buffer` holds other
 * messages (a HELLO's password, say), so copy it (`Buffer.from`) before
 * handing the underlying memory on. Throws {@link EncodeError} for what
 * msgpack cannot carry: functions, symbols, Map and Set, bigints outside the
 * 64-bit range, an invalid Date, a string holding a lone surrogate, an
 * ExtData of a negative (reserved) type, values nested deeper than 100;
 * and {@link TooLargeError} for a body of more than `maxBytes`, whose
 * encoding stops there.
 */
export function encodeValue(value: unknown, maxBytes?: number): Buffer {
  return writeBody(value, maxBytes);
}

/**
 * Decodes one value within `limits`, each header checked against them and
 * against the bytes received before what it declares is read (see
 * {@link readBody}), so a hostile body costs time and memory in proportion
 * to its size, never to what it declares. Throws {@link ProtocolError}
 * (fault BODY or PICKLED_EXT), or @msgpack/msgpack's DecodeError for a
 * timestamp of a size msgpack does not define.
 */
export function decodeValue(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): unknown {
  return readBody(bytes, limits);
}
