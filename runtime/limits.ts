/**
 * Every bound a peer puts on what the network can make it hold: message
 * size, queues, calls being served, calls awaiting replies, log lines. Each
 * has a named default; a Server or Client takes overrides in its `limits`
 * option. Nothing here is unlimited: a limit that is hit refuses the excess
 * at once, clearly, rather than queueing it.
 */

/**
 * ZMQ_MAXMSGSIZE: the largest frame, in bytes, accepted from a peer (4 MiB,
 * gRPC's default receive limit). libzmq closes the connection of a peer that
 * sends a larger one. It is also the largest frame this peer sends: a call or
 * a reply over it fails at once, since a peer with the same limit would drop
 * the whole connection for it.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

/** ZMQ_SNDHWM: messages libzmq queues for one peer before refusing more (EAGAIN); libzmq's own default. */
export const DEFAULT_SEND_HIGH_WATER_MARK = 1_000;

/** ZMQ_RCVHWM: messages libzmq queues from one peer before it stops reading that connection; libzmq's own default. */
export const DEFAULT_RECEIVE_HIGH_WATER_MARK = 1_000;

/**
 * Calls one connection may have in flight here: from the WORK's arrival until
 * its reply has been taken by ZeroMQ (or given up). Excess calls are answered
 * at once with ERROR `OverloadedError`, not run. Counting until the reply
 * leaves also bounds the replies queued for a peer that stops reading.
 */
export const DEFAULT_MAX_CALLS_IN_FLIGHT_PER_PEER = 1_000;

/** Bytes of WORK one connection may have in flight here (64 MiB); a call that would exceed it is refused as above, unless it is the connection's only one. */
export const DEFAULT_MAX_BYTES_IN_FLIGHT_PER_PEER = 64 * 1024 * 1024;

/** Calls in flight here from all connections together; excess calls are refused as above. */
export const DEFAULT_MAX_CALLS_IN_FLIGHT = 10_000;

/** Bytes of WORK in flight here from all connections together (256 MiB); refused as above, unless no call is in flight. */
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024;

/** Calls this peer has made that await a reply; a call beyond it fails at once with OverloadedError, unsent. */
export const DEFAULT_MAX_PENDING_CALLS = 10_000;

/**
 * Messages handed to the socket and not yet taken by ZeroMQ, those waiting to
 * retry included; a message beyond it fails at once (a call with
 * OverloadedError). Only calls and replies wait in the queue (prompts,
 * refusals and heartbeats go at once or not at all), and those are bounded by
 * `maxPendingCalls` and `maxCallsInFlight`: this bound, above their sum, is
 * the backstop, which peers that stop reading cannot fill.
 */
export const DEFAULT_MAX_QUEUED_MESSAGES = 25_000;


/** The bounds of one Server or Client. See each default for its meaning. */
export interface Limits {
  /** Largest frame received or sent, in bytes; -1 for none (not recommended). Default {@link DEFAULT_MAX_MESSAGE_SIZE}. */
  readonly maxMessageSize: number;
  /** ZMQ_SNDHWM, per peer. Default {@link DEFAULT_SEND_HIGH_WATER_MARK}. */
  readonly sendHighWaterMark: number;
  /** ZMQ_RCVHWM, per peer. Default {@link DEFAULT_RECEIVE_HIGH_WATER_MARK}. */
  readonly receiveHighWaterMark: number;
  /** Default {@link DEFAULT_MAX_CALLS_IN_FLIGHT_PER_PEER}. */
  readonly maxCallsInFlightPerPeer: number;
  /** Default {@link DEFAULT_MAX_BYTES_IN_FLIGHT_PER_PEER}. */
  readonly maxBytesInFlightPerPeer: number;
  /** Default {@link DEFAULT_MAX_CALLS_IN_FLIGHT}. */
  readonly maxCallsInFlight: number;
  /** Default {@link DEFAULT_MAX_BYTES_IN_FLIGHT}. */
  readonly maxBytesInFlight: number;
  /** Default {@link DEFAULT_MAX_PENDING_CALLS}. */
  readonly maxPendingCalls: number;
  /** Default {@link DEFAULT_MAX_QUEUED_MESSAGES}. */
  readonly maxQueuedMessages: number;
}

/** Every default, as one object. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
  sendHighWaterMark: DEFAULT_SEND_HIGH_WATER_MARK,
  receiveHighWaterMark: DEFAULT_RECEIVE_HIGH_WATER_MARK,
  maxCallsInFlightPerPeer: DEFAULT_MAX_CALLS_IN_FLIGHT_PER_PEER,
  maxBytesInFlightPerPeer: DEFAULT_MAX_BYTES_IN_FLIGHT_PER_PEER,
  maxCallsInFlight: DEFAULT_MAX_CALLS_IN_FLIGHT,
  maxBytesInFlight: DEFAULT_MAX_BYTES_IN_FLIGHT,
  maxPendingCalls: DEFAULT_MAX_PENDING_CALLS,
  maxQueuedMessages: DEFAULT_MAX_QUEUED_MESSAGES,
});

/**
 * The defaults with `overrides` applied (undefined ones left out), as a new object. Throws RangeError
 * for a value that is not a whole number ≥ 1 (`maxMessageSize` may be -1):
 * zero means "unlimited" to ZeroMQ, which is what these options exist to prevent.
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined); // undefined keeps the default
  const limits: Limits = { ...DEFAULT_LIMITS, ...Object.fromEntries(given) };
  for (const [name, value] of Object.entries(limits)) {
    const unlimitedSize = name === "maxMessageSize" && value === -1;
    if (!(name in DEFAULT_LIMITS)) throw new RangeError(`unknown limit ${JSON.stringify(name)}`);
    if (!unlimitedSize && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new RangeError(`limits.${name} must be a whole number ≥ 1${name === "maxMessageSize" ? " (or -1: no limit)" : ""}, got ${String(value)}`);
    }
  }
  return limits;
}

/** Whether a frame is over the size limit. */
export function overSize(limits: Pick<Limits, "maxMessageSize">, bytes: number): boolean {
  return limits.maxMessageSize !== -1 && bytes > limits.maxMessageSize;
}
