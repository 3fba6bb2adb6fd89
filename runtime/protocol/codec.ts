import { Encoder, type EncoderOptions, EXT_TIMESTAMP, ExtData, type ExtensionCodecType, encodeTimestampExtension } from "@msgpack/msgpack";
import { EncodeError, ProtocolError } from "../errors.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./decode-limits.js";
import { readBody, readExtension } from "./read-body.js";

/**
 * msgpack as pseud peers speak it (PROTOCOL.md, "Encoding facts"): str ↔
 * string, bin ↔ Uint8Array, maps with string keys only, `Date` ↔ the standard
 * timestamp extension (-1), integers beyond 2^53 ↔ bigint. Python's pickled
 * datetime extensions (123–126) are refused: unpickling a peer's bytes is a
 * remote-code-execution hole in the reference.
 *
 * Encoding is @msgpack/msgpack's, its encoders configured once and reused
 * for every message; decoding is our own reader's ({@link readBody}), which
 * checks each header against the bytes received as it reads.
 */

const TWO_POW_32 = 2 ** 32;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Thrown inside the fast encoder when a value holds a bigint; caught by encodeValue. */
const NEEDS_BIGINT_PATH = Symbol("needs the bigint encoder");

/**
 * The extensions pseud writes, as one object: the timestamp (-1), a
 * refusal of what msgpack would silently mangle and the detection of
 * bigints (which only the second encoder writes). Its `decode`, which the
 * encoder never calls, is the reader's. One object, not @msgpack/msgpack's
 * ExtensionCodec with types registered, which walks a 127-slot table for
 * every object it encodes.
 */
const extensionCodec: ExtensionCodecType<undefined> = {
  tryToEncode(object: unknown): ExtData | null {
    if (object instanceof ExtData) return object; // an extension a peer sent, passed on as it came
    if (object instanceof Date) {
      const data = encodeTimestampExtension(object);
      return data === null ? null : new ExtData(EXT_TIMESTAMP, data);
    }
    if (typeof object === "bigint") throw NEEDS_BIGINT_PATH;
    if (typeof object === "function" || typeof object === "symbol") throw new EncodeError(`a ${typeof object} cannot be encoded as msgpack`);
    if (object instanceof Map || object instanceof Set)
      throw new EncodeError(`a ${object.constructor.name} cannot be encoded as msgpack; use a plain object or an array`);
    return null;
  },
  decode: readExtension,
};

/**
 * The largest encode buffer kept from one message to the next: 1 MiB. An
 * encoder keeps its buffer, grown to twice the largest message it wrote, so
 * one grown past this is replaced by a fresh one: a 200 MB message does not
 * pin 400 MB for the life of the process. Messages under about 512 KiB reuse
 * the buffer; larger ones grow a new one each time.
 */
export const MAX_RETAINED_ENCODE_BUFFER = 1024 * 1024;

/** One encoder reused for every message, and replaced once its buffer has grown past {@link MAX_RETAINED_ENCODE_BUFFER}. */
class ReusedEncoder {
  private encoder: Encoder;

  constructor(private readonly options: EncoderOptions) {
    this.encoder = new Encoder(options);
  }

  /** Encodes into memory of the caller's own (see ownCopy); rethrows what the encoder throws. */
  encode(value: unknown): Buffer {
    try {
      const shared = this.encoder.encodeSharedRef(value);
      const out = ownCopy(shared);
      this.dropIfLarge(shared.buffer.byteLength);
      return out;
    } catch (error) {
      // How far the failed encode grew the buffer, as a one-byte encode shows it.
      this.dropIfLarge(this.encoder.encodeSharedRef(null).buffer.byteLength);
      throw error;
    }
  }

  private dropIfLarge(bufferBytes: number): void {
    if (bufferBytes > MAX_RETAINED_ENCODE_BUFFER) this.encoder = new Encoder(this.options);
  }
}

const encoderOptions = { extensionCodec, ignoreUndefined: false } as const;
/** Writes numbers in their smallest msgpack form, as Python does. */
const numberEncoder = new ReusedEncoder(encoderOptions);
/** Writes bigints as int64/uint64; used only for values that hold one (see toBigIntForm). */
const bigintEncoder = new ReusedEncoder({ ...encoderOptions, useBigInt64: true });

/**
 * Encodes one value. Throws {@link EncodeError} for what msgpack cannot carry:
 * functions, symbols, Map and Set, bigints outside the 64-bit range.
 */
export function encodeValue(value: unknown): Uint8Array {
  try {
    return numberEncoder.encode(value);
  } catch (error) {
    if (error !== NEEDS_BIGINT_PATH) throw asEncodeError(error);
  }
  try {
    return bigintEncoder.encode(toBigIntForm(value));
  } catch (error) {
    throw asEncodeError(error);
  }
}

function asEncodeError(error: unknown): EncodeError {
  return error instanceof EncodeError ? error : new EncodeError(`value cannot be encoded as msgpack: ${errorText(error)}`, { cause: error });
}

/**
 * The encoder's shared buffer, copied out once into memory that is not
 * zero-filled first (`allocUnsafe`, pooled for small messages): `encode()`
 * would zero-fill a fresh ArrayBuffer and copy into it, which costs
 * measurably on 64 KiB payloads (see the README's benchmarks).
 */
function ownCopy(shared: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(shared.byteLength);
  out.set(shared);
  return out;
}

/**
 * The bigint encoder writes every bigint as int64/uint64 but, unlike the
 * number encoder, writes integers of 2^32 and over as float64. So before
 * using it, such integers become bigints too (on a copy; the caller's value
 * is untouched), and out-of-range bigints are refused here, not wrapped.
 */
function toBigIntForm(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < INT64_MIN || value > UINT64_MAX)
      throw new EncodeError(`bigint ${value} is outside the 64-bit range msgpack can carry`);
    return value;
  }
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && Math.abs(value) >= TWO_POW_32 ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map(toBigIntForm);
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toBigIntForm(value[key]);
    return out;
  }
  return value;
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

/** A plain object as msgpack maps decode to: not an array, a byte array, a Date or extension data. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof Date) &&
    !(value instanceof ExtData)
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
