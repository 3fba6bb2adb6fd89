import { ProtocolError, type ProtocolFault } from "../errors.js";
import { decodeValue, encodeValue } from "./codec.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./decode-limits.js";
import { sameBytes } from "./same-bytes.js";
import {
  MESSAGE_ID_LENGTH,
  MESSAGE_TYPES,
  type MessageType,
  TEXT_BODY_TYPES,
  TYPE_BY_BYTE,
  VERSION_V1,
} from "./message-types.js";

/** The body of a WORK: which method, with which arguments. */
export interface Work {
  /** Dotted wire name: `"string.upper"`. */
  readonly method: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** The body of an ERROR: the remote exception. */
export interface Failure {
  /** A stable contract: `ValueError`, `ServiceNotFoundError`… */
  readonly className: string;
  readonly message: string;
  /** For people to read; never parsed. */
  readonly traceback: string;
}

/** A login or password as HELLO carries it: the reference sends msgpack bin, others str. */
export type Credential = string | Uint8Array;

/** One pseud message, the four frames after the ROUTER envelope, decoded. */
export type Message =
  | { readonly type: "WORK"; readonly id: Buffer; readonly work: Work }
  | { readonly type: "OK"; readonly id: Buffer; readonly value: unknown }
  | { readonly type: "ERROR"; readonly id: Buffer; readonly failure: Failure }
  | { readonly type: "HELLO"; readonly id: Buffer; readonly login: Credential; readonly password: Credential }
  | TextMessage<"AUTHENTICATED">
  | TextMessage<"UNAUTHORIZED">
  | TextMessage<"HEARTBEAT">;

/** A message whose body is utf-8 text. */
export interface TextMessage<T extends "AUTHENTICATED" | "UNAUTHORIZED" | "HEARTBEAT"> {
  readonly type: T;
  readonly id: Buffer;
  readonly text: string;
}

/**
 * The result of decoding. A failure says what it could still read: the type
 * and message id let the receiver answer a broken WORK, or settle the call a
 * broken reply was meant for, instead of leaving it to time out.
 */
export type Decoded =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly error: ProtocolError; readonly type?: MessageType; readonly id?: Buffer };

const TYPE_FRAMES: Readonly<Record<MessageType, Buffer>> = Object.fromEntries(
  (Object.entries(MESSAGE_TYPES) as [MessageType, number][]).map(([name, byte]) => [name, Buffer.of(byte)]),
) as Record<MessageType, Buffer>;

const EMPTY = Buffer.alloc(0);

/**
 * Encodes a message as its four frames `[VERSION, MESSAGE_ID, TYPE, BODY]`,
 * after the frames of `envelope` if one is given (a ROUTER's routing id and
 * delimiter), in one array: what a socket sends, with no array to spread.
 * Throws {@link EncodeError} when a value in the body cannot be encoded,
 * {@link TooLargeError} (one) when the body would be over `maxBodyBytes`.
 */
export function encodeMessage(message: Message, envelope: readonly Buffer[] = [], maxBodyBytes?: number): Buffer[] {
  const body = encodeBody(message, maxBodyBytes);
  const type = TYPE_FRAMES[message.type];
  // An array of its final length from the start (a slice that grows by four would be allocated twice).
  if (envelope.length === 2) return [envelope[0] as Buffer, envelope[1] as Buffer, VERSION_V1, message.id, type, body];
  const frames = envelope.slice();
  frames.push(VERSION_V1, message.id, type, body);
  return frames;
}

function encodeBody(message: Message, maxBytes: number | undefined): Buffer {
  switch (message.type) {
    case "WORK":
      return encodeValue([message.work.method, message.work.args, message.work.kwargs], maxBytes);
    case "OK":
      return encodeValue(message.value, maxBytes);
    case "ERROR":
      return encodeValue([message.failure.className, message.failure.message, message.failure.traceback], maxBytes);
    case "HELLO":
      return encodeValue([message.login, message.password], maxBytes);
    case "AUTHENTICATED":
    case "UNAUTHORIZED":
    case "HEARTBEAT":
      return message.text === "" ? EMPTY : Buffer.from(message.text, "utf8");
  }
}

/**
 * Decodes the four pseud frames that follow the ROUTER envelope, within
 * `limits` (see {@link DecodeLimits}): `frames` from index `start` on (the
 * envelope's length, so a received message needs no slice). Whatever the
 * frames, the result is a message or a {@link ProtocolError}, whose text
 * shows at most a few bytes of any frame; only a `start` that is not an
 * index into `frames` throws (RangeError).
 */
export function decodeFrames(frames: readonly Buffer[], limits: DecodeLimits = DEFAULT_DECODE_LIMITS, start = 0): Decoded {
  if (!Number.isInteger(start) || start < 0 || start > frames.length) throw new RangeError(`start ${start} is not an index into ${frames.length} frames`);
  const count = frames.length - start;
  if (count !== 4) return fail("FRAME_COUNT", `expected 4 frames after the envelope, got ${count}`);
  const version = frames[start] as Buffer;
  const id = frames[start + 1] as Buffer;
  const typeFrame = frames[start + 2] as Buffer;
  const body = frames[start + 3] as Buffer;
  if (!sameBytes(version, VERSION_V1)) return fail("VERSION", `unsupported version frame ${preview(version)}`);
  const type = typeFrame.length === 1 ? TYPE_BY_BYTE.get(typeFrame[0] as number) : undefined;
  if (type === undefined) return fail("TYPE", `unknown message type ${preview(typeFrame)}`);
  if (type !== "HEARTBEAT" && id.length !== MESSAGE_ID_LENGTH)
    return fail("MESSAGE_ID", `${type} message id is ${id.length} bytes, expected ${MESSAGE_ID_LENGTH}`, type);
  if (TEXT_BODY_TYPES.has(type)) {
    if (body.length > limits.maxTextBody)
      return fail("BODY", `${type} text body of ${body.length} bytes is over the limit of ${limits.maxTextBody}`, type, id);
    return { ok: true, message: { type: type as "HEARTBEAT", id, text: body.toString("utf8") } };
  }
  let value: unknown;
  try {
    value = decodeValue(body, limits);
  } catch (cause) {
    if (cause instanceof ProtocolError) return { ok: false, error: cause, type, id };
    return fail("BODY", `${type} body is not msgpack: ${cause instanceof Error ? cause.message : String(cause)}`, type, id, cause);
  }
  switch (type) {
    case "OK":
      return { ok: true, message: { type, id, value } };
    case "WORK":
      return decodeWork(id, value);
    case "ERROR":
      return decodeFailure(id, value);
    default:
      return decodeHello(id, value);
  }
}

function decodeWork(id: Buffer, body: unknown): Decoded {
  if (!Array.isArray(body) || body.length !== 3)
    return fail("WORK_BODY", `WORK body must be [method, args, kwargs], got ${describe(body)}`, "WORK", id);
  const [method, args, kwargs] = body as [unknown, unknown, unknown];
  if (typeof method !== "string" || method === "")
    return fail("WORK_BODY", `WORK method name must be a non-empty string, got ${describe(method)}`, "WORK", id);
  if (!Array.isArray(args))
    return fail("WORK_BODY", `WORK positional arguments must be an array, got ${describe(args)}`, "WORK", id);
  if (!isMap(kwargs))
    return fail("WORK_BODY", `WORK keyword arguments must be a map, got ${describe(kwargs)}`, "WORK", id);
  return { ok: true, message: { type: "WORK", id, work: { method, args, kwargs } } };
}

function decodeFailure(id: Buffer, body: unknown): Decoded {
  if (!Array.isArray(body) || body.length !== 3 || typeof body[0] !== "string" || body[0] === "")
    return fail("ERROR_BODY", `ERROR body must be [class name, message, traceback], got ${describe(body)}`, "ERROR", id);
  const [className, message, traceback] = body as [string, unknown, unknown];
  return {
    ok: true,
    message: { type: "ERROR", id, failure: { className, message: text(message), traceback: text(traceback) } },
  };
}

function decodeHello(id: Buffer, body: unknown): Decoded {
  if (!Array.isArray(body) || body.length !== 2 || !body.every(isCredential))
    return fail("HELLO_BODY", `HELLO body must be [login, password] as strings or bytes, got ${describe(body)}`, "HELLO", id);
  const [login, password] = body as [Credential, Credential];
  return { ok: true, message: { type: "HELLO", id, login, password } };
}

function isCredential(value: unknown): value is Credential {
  return typeof value === "string" || value instanceof Uint8Array;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Date)
  );
}

/** An ERROR's message and traceback are text; anything else a peer sent is shown, not trusted. */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return describe(value);
}

/** A short, safe description of a decoded value for error messages. */
function describe(value: unknown): string {
  if (value === null) return "nil";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "a map";
  return `${typeof value} ${String(value)}`;
}

/** Bytes shown of a frame that is refused. */
const PREVIEW_BYTES = 8;

/** A frame as hex for an error message: its first {@link PREVIEW_BYTES} bytes, and its length when it is longer. */
function preview(frame: Buffer): string {
  const hex = `0x${frame.toString("hex", 0, PREVIEW_BYTES)}`;
  return frame.length > PREVIEW_BYTES ? `${hex}… (${frame.length} bytes)` : hex;
}

function fail(fault: ProtocolFault, message: string, type?: MessageType, id?: Buffer, cause?: unknown): Decoded {
  const error = new ProtocolError(fault, message, cause === undefined ? undefined : { cause });
  return { ok: false, error, ...(type === undefined ? {} : { type }), ...(id === undefined ? {} : { id }) };
}
