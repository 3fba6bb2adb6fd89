/**
 * The error family of the runtime. Every error a call can settle with is a
 * {@link PseudError} with a stable `code`: tests and logs match `code`, program
 * logic uses `instanceof`.
 */

/** Every code a {@link PseudError} can carry; there are no user-defined codes. */
export const PSEUD_ERROR_CODES = [
  "REMOTE",
  "SERVICE_NOT_FOUND",
  "TIMEOUT",
  "UNAUTHORIZED",
  "PROTOCOL",
  "ENCODE",
  "VALIDATION",
  "UNREACHABLE",
  "PEER_LOST",
  "HANDSHAKE",
  "CLOSED",
  "ABORTED",
  "INTERNAL",
  "OVERLOADED",
] as const;

/** The code of a {@link PseudError}. */
export type PseudErrorCode = (typeof PSEUD_ERROR_CODES)[number];

/** Base class of every error the runtime raises. */
export abstract class PseudError extends Error {
  abstract readonly code: PseudErrorCode;

  /**
   * Anything caught, as a PseudError: itself when it is one, else an
   * {@link InternalError} that keeps it as `cause` (and its message), so a
   * caller only ever meets the documented codes.
   */
  static from(reason: unknown): PseudError {
    if (reason instanceof PseudError) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new InternalError(message, { cause: reason });
  }
}

/**
 * The remote handler raised an exception. Its class name, message and
 * traceback come from the ERROR frame; the traceback is for people to read and
 * is never parsed.
 */
export class RemoteError extends PseudError {
  readonly code = "REMOTE";
  override name = "RemoteError";
  constructor(
    readonly remoteClass: string,
    readonly remoteMessage: string,
    readonly remoteTraceback: string,
  ) {
    super(`${remoteClass}: ${remoteMessage}`);
  }
}

/** No method of that name, or none that admits the caller, exists on the remote peer. */
export class ServiceNotFoundError extends PseudError {
  readonly code = "SERVICE_NOT_FOUND";
  override name = "ServiceNotFoundError";
  constructor(
    readonly method: string,
    message = `no method ${JSON.stringify(method)} is registered for this caller`,
    readonly remoteTraceback = "",
  ) {
    super(message);
  }
}

/** The call got no reply within its timeout. */
export class TimeoutError extends PseudError {
  readonly code = "TIMEOUT";
  override name = "TimeoutError";
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`call to ${method} got no reply within ${timeoutMs} ms`);
  }
}

/** The remote peer refused this peer's credentials. */
export class UnauthorizedError extends PseudError {
  readonly code = "UNAUTHORIZED";
  override name = "UnauthorizedError";
}

/** Why a message was refused by the frame decoder; each is logged with its fault. */
export type ProtocolFault =
  | "FRAME_COUNT"
  | "ENVELOPE"
  | "VERSION"
  | "TYPE"
  | "MESSAGE_ID"
  | "BODY"
  | "WORK_BODY"
  | "ERROR_BODY"
  | "HELLO_BODY"
  | "PICKLED_EXT";

/** A message that breaks pseud protocol v1. Decoding returns it; it is never thrown at a caller's face unasked. */
export class ProtocolError extends PseudError {
  readonly code = "PROTOCOL";
  override name = "ProtocolError";
  constructor(
    readonly fault: ProtocolFault,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${fault}: ${message}`, options);
  }
}

/** A value cannot be encoded as msgpack (a function, a symbol, a bigint beyond 64 bits…). */
export class EncodeError extends PseudError {
  readonly code = "ENCODE";
  override name = "EncodeError";
}

/**
 * An argument or result over `limits.maxMessageSize` (or an encode's
 * `maxBytes`): encoding stopped as soon as that was certain, and no memory
 * was made for it beyond the limit (while a message outgrows its memory,
 * the old and the new are alive together: at most about twice the limit at
 * once). A value of any size costs about what writing the limit's worth of
 * it costs, and what reading the value takes before that (a map's keys are
 * listed before its header is written).
 */
export class TooLargeError extends EncodeError {
  override name = "TooLargeError";
}

/** One problem a validator found: where in the value, and what. */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * A value does not match its schema. On a server, invalid arguments are
 * refused with it before the handler runs (the caller gets an ERROR
 * `ValidationError`, a RemoteError); on a caller, a reply that does not match
 * the method's return type fails the call with it.
 */
export class ValidationError extends PseudError {
  readonly code = "VALIDATION";
  override name = "ValidationError";
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(message);
  }
}

/** The destination peer is not connected, and did not become so while the call could wait. */
export class UnreachableError extends PseudError {
  readonly code = "UNREACHABLE";
  override name = "UnreachableError";
}

/** The peer a call was sent to disconnected before it answered. */
export class PeerLostError extends PseudError {
  readonly code = "PEER_LOST";
  override name = "PeerLostError";
}

/**
 * The security handshake with the server failed: a wrong server public key,
 * or a mechanism the server does not speak. Calls fail with it at once
 * instead of waiting out their timeout; it clears when a handshake succeeds.
 */
export class HandshakeError extends PseudError {
  readonly code = "HANDSHAKE";
  override name = "HandshakeError";
}

/** The local peer was closed before the call settled, or is used after close(). */
export class ClosedError extends PseudError {
  readonly code = "CLOSED";
  override name = "ClosedError";
}

/** The caller's AbortSignal fired before the call settled; `cause` is the signal's reason. */
export class AbortedError extends PseudError {
  readonly code = "ABORTED";
  override name = "AbortedError";
  constructor(
    readonly method: string,
    reason: unknown,
  ) {
    super(`call to ${method} was aborted`, { cause: reason });
  }
}

/**
 * A failure of the local runtime or ZeroMQ that no other code names (an
 * unexpected libzmq error, a bug); `cause` holds what was thrown.
 */
export class InternalError extends PseudError {
  readonly code = "INTERNAL";
  override name = "InternalError";
}

/**
 * A limit was reached, so the call was refused before it ran: too many calls
 * in flight at the remote peer (an ERROR `OverloadedError`), or too many
 * calls pending or messages queued here. The call had no effect; it may be
 * retried later.
 */
export class OverloadedError extends PseudError {
  readonly code = "OVERLOADED";
  override name = "OverloadedError";
}

/**
 * Rebuilds the error a caller sees from an ERROR frame. The class name is a
 * stable contract (PROTOCOL.md): pseud's own names become their classes here,
 * everything else a {@link RemoteError}.
 */
export function errorFromRemote(method: string, className: string, message: string, traceback: string): PseudError {
  switch (className) {
    case "ServiceNotFoundError":
      return new ServiceNotFoundError(method, message, traceback);
    case "UnauthorizedError":
      return new UnauthorizedError(message);
    case "OverloadedError":
      return new OverloadedError(message);
    default:
      return new RemoteError(className, message, traceback);
  }
}
