import { ClosedError, EncodeError, errorFromRemote, OverloadedError, PseudError, TooLargeError } from "../errors.js";
import { type Limits, overSize, resolveLimits } from "../limits.js";
import type { Logger } from "../logger.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../protocol/decode-limits.js";
import { decodeFrames, type Decoded, encodeMessage, type Message, type Work } from "../protocol/frames.js";
import type { LogRateLimit } from "../rate-limited-logger.js";
import { RouterSocket, type RouterSocketOptions, type SendDone, type SendPolicy, type SocketHandlers } from "../transport/router-socket.js";
import type { CallContext, Predicate } from "./call-context.js";
import { Dispatcher, type Fallback, type Outcome } from "./dispatcher.js";
import { type Envelope, type Guard, type PeerControl, REFUSED } from "./guard.js";
import { InFlight } from "./in-flight.js";
import { PendingCalls } from "./pending-calls.js";
import { Registry } from "./registry.js";

/** Per-call options, all optional. */
export interface CallOptions {
  /** Fail with TimeoutError when no reply came within this many ms (default: the peer's, 5000). */
  readonly timeoutMs?: number;
  /** Fail with UnreachableError when the WORK could not be handed to ZeroMQ within this many ms (default: the peer's; at most the timeout). */
  readonly sendDeadlineMs?: number;
  /** Fail with AbortedError when this signal fires. */
  readonly signal?: AbortSignal;
}

/** What a Client and a Server share: how they log, time out and report errors. */
export interface PeerOptions {
  /** Where dropped messages and faults are reported; default `consoleLogger("warn")`. */
  readonly logger?: Logger;
  /** Default call timeout in ms: how long a call waits for its reply; the reference's is 5000. */
  readonly timeoutMs?: number;
  /**
   * How long, in ms, a call's WORK waits to be handed to ZeroMQ: for its
   * peer's connection to come up, or for room in a full queue. Then the call
   * fails with UnreachableError. Default: the call's timeout (and never more).
   */
  readonly sendDeadlineMs?: number;
  /**
   * How long, in ms, a reply waits for room in its caller's full queue before
   * it is dropped and logged. Default {@link DEFAULT_REPLY_DEADLINE_MS}.
   */
  readonly replyDeadlineMs?: number;
  /**
   * Send a handler's stack trace with its ERROR (default false: a stack names
   * the server's files and paths; the remote traceback is then empty, which
   * the reference accepts). Handler exceptions are logged here either way.
   */
  readonly sendTracebacks?: boolean;
  /** Bounds on messages, queues and calls; each left out keeps its default (see {@link Limits}). */
  readonly limits?: Partial<Limits>;
  /** Tighter limits on what a received body may hold (default {@link DEFAULT_DECODE_LIMITS}: only the bytes received bound it, and depth 100). */
  readonly decodeLimits?: Partial<DecodeLimits>;
  /** How many warnings and errors of one kind are logged per interval (default 10 per 10 s, then one summary). */
  readonly logRateLimit?: LogRateLimit;
}

/** What a peer holds now, against its {@link Limits}. */
export interface LoadSnapshot {
  /** Calls being served, replies not yet taken by ZeroMQ included. */
  readonly callsInFlight: number;
  /** Bytes of WORK of those calls. */
  readonly bytesInFlight: number;
  /** Calls made that await a reply. */
  readonly pendingCalls: number;
  /** Messages handed to the socket and not yet taken by ZeroMQ. */
  readonly queuedMessages: number;
}

/** What a client or server hears from its peer layer. */
export interface PeerHooks {
  /**
   * A peer sent a message that decoded; `heartbeat` when it was a HEARTBEAT.
   * Returns the serial of the connection it came on (see connectionOf), so
   * that serving it needs no second look-up.
   */
  onPeerSeen(routingId: Buffer, heartbeat: boolean): number;
  /** `[routing id, '']`: a connect notice (ROUTER_NOTIFY), or a peer's probe. */
  onEmptyMessage(routingId: Buffer): void;
  /** The socket's own notice that a connection closed (see {@link SocketHandlers.disconnected}). */
  onDisconnect(routingId: Buffer): void;
  /**
   * The serial of the connection a routing id names now; undefined when it
   * names none. A reply goes out only if its call's routing id still names
   * the connection the call came on: a routing id can pass to a new
   * connection while a handler runs.
   */
  connectionOf(routingId: Buffer): number | undefined;
}

const EMPTY = Buffer.alloc(0);
/** Taken by ZeroMQ at once, or dropped. */
const NOW_OR_NEVER: SendPolicy = { deadline: 0, waitForPeer: false };
const HEARTBEAT_FRAMES = encodeMessage({ type: "HEARTBEAT", id: EMPTY, text: "" });
export const DEFAULT_TIMEOUT_MS = 5_000;
/** How long a reply waits for room in its caller's full queue (see PeerOptions.replyDeadlineMs). */
export const DEFAULT_REPLY_DEADLINE_MS = 5_000;

/**
 * The half of pseud that client and server share: one ROUTER socket, the
 * table of outgoing calls, the registry and dispatcher of incoming ones, and
 * the guard (authentication) between the socket and the dispatcher.
 *
 * A message's way in: socket → envelope → `decodeFrames` → by type: WORK
 * through the guard to the dispatcher, OK/ERROR to the pending calls,
 * HELLO/AUTHENTICATED/UNAUTHORIZED to the guard. A call's way out: `call` →
 * pending table → `encodeMessage` → send queue → socket.
 */
export class RpcPeer implements PeerControl {
  readonly registry = new Registry();
  private readonly pending = new PendingCalls();
  private readonly dispatcher: Dispatcher;
  readonly socket: RouterSocket;
  /** The Server's or Client's logger, already behind a rate limit: peers decide how often drops and handler errors happen. */
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly sendDeadlineMs: number | undefined;
  private readonly replyDeadlineMs: number;
  readonly limits: Limits;
  private readonly inFlight: InFlight;
  private readonly decodeLimits: DecodeLimits;
  private guard: Guard | undefined;
  private closed = false;

  constructor(
    socketOptions: Omit<RouterSocketOptions, "limits">,
    options: PeerOptions & { readonly logger: Logger },
    private readonly hooks: PeerHooks,
  ) {
    this.limits = resolveLimits(options.limits);
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sendDeadlineMs = options.sendDeadlineMs;
    this.replyDeadlineMs = options.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS;
    this.inFlight = new InFlight(this.limits);
    this.decodeLimits = { ...DEFAULT_DECODE_LIMITS, ...options.decodeLimits };
    this.dispatcher = new Dispatcher(this.registry, {
      sendTracebacks: options.sendTracebacks ?? false,
      logger: this.logger,
    });
    const handlers: SocketHandlers = { message: (frames) => this.receive(frames), disconnected: (id) => this.hooks.onDisconnect(id) };
    this.socket = new RouterSocket({ ...socketOptions, limits: this.limits }, handlers);
  }

  /** Puts an authentication layer between the socket and the dispatcher. */
  setGuard(guard: Guard): void {
    this.guard = guard;
  }

  /** Sets the predicate that admits callers to a domain's registrations. */
  setPredicate(domain: string, predicate: Predicate): void {
    this.dispatcher.setPredicate(domain, predicate);
  }

  /** Sets where calls go that no registration admits. */
  setFallback(fallback: Fallback | undefined): void {
    this.dispatcher.setFallback(fallback);
  }

  bind(endpoint: string): Promise<string> {
    return this.socket.bind(endpoint);
  }

  connect(endpoint: string): void {
    this.socket.connect(endpoint);
  }

  /** What this peer holds now. */
  load(): LoadSnapshot {
    return { callsInFlight: this.inFlight.calls, bytesInFlight: this.inFlight.bytes, pendingCalls: this.pending.size, queuedMessages: this.socket.queued };
  }

  /**
   * Calls `method` on the peer with routing id `peer`. Settles exactly once:
   * the result, a remote error, or a local TimeoutError, AbortedError,
   * EncodeError, UnreachableError, OverloadedError or ClosedError.
   *
   * @param waitForPeer whether a peer that is not connected is waited for (within the call's timeout) or fails the call at once.
   */
  call(
    peer: Buffer,
    method: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    options: CallOptions,
    waitForPeer: boolean,
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(new ClosedError(`cannot call ${method}: the peer is closed`));
    if (this.pending.size >= this.limits.maxPendingCalls) {
      return Promise.reject(new OverloadedError(`${this.pending.size} calls await their replies (limits.maxPendingCalls): ${method} was not sent`));
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const id = this.pending.newId();
    // Trailing undefined means "left out", as in JavaScript: the callee's defaults apply (a Python callee would get None).
    let end = args.length;
    while (end > 0 && args[end - 1] === undefined) end--;
    if (end !== args.length) args = args.slice(0, end);
    let frames: Buffer[];
    try {
      frames = this.frame([peer, EMPTY], { type: "WORK", id, work: { method, args, kwargs } });
    } catch (error) {
      this.pending.release(id);
      if (!(error instanceof EncodeError)) return Promise.reject(PseudError.from(error));
      const Named = error instanceof TooLargeError ? TooLargeError : EncodeError;
      return Promise.reject(new Named(`arguments of ${method}: ${error.message}`));
    }
    const result = this.pending.add(id, peer, method, timeoutMs, frames, options.signal);
    // A call that settled already (its signal had fired) is not sent: its WORK would run for no one.
    if (this.pending.framesOf(id) === undefined) return result;
    const sendDeadlineMs = Math.min(options.sendDeadlineMs ?? this.sendDeadlineMs ?? timeoutMs, timeoutMs);
    this.transmit(id, frames, Date.now() + sendDeadlineMs, waitForPeer);
    return result;
  }

  /** Fails the calls pending on one peer, at once. */
  failCallsTo(peer: Buffer, makeError: () => Error): void {
    this.pending.rejectAll(makeError, peer);
  }

  /** Fails every pending call, now (a failed handshake: no reply can come). */
  failAllCalls(makeError: () => Error): void {
    this.pending.rejectAll(makeError);
  }

  /** Fails every pending call with ClosedError and closes the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.rejectAll(() => new ClosedError("the peer was closed before the call settled"));
    await this.socket.close();
  }

  // PeerControl: what the guard may do.

  /**
   * Sends a message to a peer; throws EncodeError when its body cannot be
   * encoded or is over the size limit. It goes now or never: one that cannot
   * go at once (its peer is gone, or not reading) is logged and dropped, so
   * that refusals and prompts to a peer that does not read never pile up in
   * the send queue; only replies to calls that ran, and calls, wait there.
   * One queued behind those goes only to the connection it was meant for (a
   * welcome names the identity bound to that connection).
   */
  send(envelope: Envelope, message: Message): void {
    if (this.closed) return;
    const peer = envelope[0];
    const connection = this.hooks.connectionOf(peer);
    this.post(this.frame(envelope, message), message.type, { ...NOW_OR_NEVER, stillWanted: () => this.stillOn(peer, connection) });
  }

  resend(id: Buffer): boolean {
    const frames = this.pending.framesOf(id);
    if (frames === undefined) return false;
    this.transmit(id, [...frames], Date.now() + (this.sendDeadlineMs ?? this.timeoutMs), false);
    return true;
  }

  fail(id: Buffer, error: Error): boolean {
    return this.pending.reject(id, error);
  }

  /** Sends a HEARTBEAT (empty id, empty body); one that cannot go is dropped quietly: its peer's silence says the rest. */
  heartbeat(peer: Buffer): void {
    if (this.closed) return;
    this.socket.send([peer, EMPTY, ...HEARTBEAT_FRAMES], NOW_OR_NEVER, (error) => {
      if (error) this.logger.debug("heartbeat not sent", { peer, error });
    });
  }

  /**
   * Envelope + encoded message. Throws EncodeError when the message cannot
   * be encoded, and TooLargeError when a frame would be over
   * `limits.maxMessageSize` (a peer with our limit would drop the whole
   * connection for it): a body stops being encoded once it is over.
   */
  private frame(envelope: Envelope, message: Message): Buffer[] {
    const { maxMessageSize } = this.limits;
    let frames: Buffer[];
    try {
      frames = encodeMessage(message, envelope, maxMessageSize === -1 ? undefined : maxMessageSize);
    } catch (error) {
      if (error instanceof TooLargeError) throw new TooLargeError(`the ${message.type} is over limits.maxMessageSize (${maxMessageSize} bytes)`);
      throw error;
    }
    let largest = 0;
    for (const frame of frames) largest = Math.max(largest, frame.length);
    if (overSize(this.limits, largest)) throw new TooLargeError(`the ${message.type} is ${largest} bytes, over limits.maxMessageSize (${maxMessageSize})`);
    return frames;
  }

  /** Hands frames to the socket; `after` runs once ZeroMQ took them or they were given up (logged). */
  private post(frames: Buffer[], type: Message["type"], policy: SendPolicy, after?: () => void): void {
    this.socket.send(frames, policy, (error) => {
      if (error) this.logger.warn("message not sent", { peer: frames[0], type, error });
      after?.();
    });
  }

  /**
   * Sends a call's WORK; a WORK that cannot be sent fails its call. One that
   * waits goes only while its call is pending: a call failed meanwhile (its
   * peer lost, its time out) is not run after all, and no newcomer under the
   * peer's routing id gets its arguments.
   */
  private transmit(id: Buffer, frames: Buffer[], deadline: number, waitForPeer: boolean): void {
    const done: SendDone = (error) => {
      if (error) this.pending.reject(id, error);
    };
    this.socket.send(frames, { deadline, waitForPeer, stillWanted: () => this.pending.framesOf(id) !== undefined }, done);
  }

  private receive(frames: Buffer[]): void {
    // Closing: its calls were failed, and it serves nothing more; what is still read (a late reply) is no fault.
    if (this.closed) return;
    const routingId = frames[0];
    if (routingId === undefined || frames.length < 2) {
      this.logger.warn("message dropped", { fault: "ENVELOPE", detail: `${frames.length} frame(s)` });
      return;
    }
    const second = frames[1] as Buffer;
    if (frames.length === 2 && second.length === 0) return this.hooks.onEmptyMessage(routingId);
    const delimited = second.length === 0;
    const envelope: Envelope = delimited ? [routingId, EMPTY] : [routingId];
    const decoded = decodeFrames(frames, this.decodeLimits, envelope.length);
    if (!decoded.ok) return this.refuse(envelope, decoded);
    const message = decoded.message;
    const connection = this.hooks.onPeerSeen(routingId, message.type === "HEARTBEAT");
    switch (message.type) {
      case "WORK": {
        const identity = this.guard ? this.guard.admitWork(envelope, message) : undefined;
        if (identity !== REFUSED) this.serve(envelope, connection, message.id, message.work, identity, bodyBytes(frames, envelope.length));
        return;
      }
      case "OK":
        return this.settle(routingId, message, { ok: true, value: message.value });
      case "ERROR": {
        const { className, message: text, traceback } = message.failure;
        const method = this.pending.methodOf(message.id) ?? "";
        return this.settle(routingId, message, { ok: false, error: errorFromRemote(method, className, text, traceback) });
      }
      case "HEARTBEAT":
        return;
      case "HELLO":
      case "AUTHENTICATED":
      case "UNAUTHORIZED":
        if (this.guard) return this.guard.control(envelope, message);
        this.logger.warn("message dropped: no authentication plugin handles it", { peer: routingId, type: message.type });
        return;
    }
  }

  /**
   * Runs a WORK, which came on `connection`, within the in-flight limits, and
   * replies on that connection: a routing id can pass to a new connection
   * while a handler runs, and the reply must not follow it there.
   */
  private serve(envelope: Envelope, connection: number, id: Buffer, work: Work, identity: string | undefined, bytes: number): void {
    const peer = envelope[0];
    const admission = this.inFlight.admit(connection, bytes);
    if (!admission.ok) {
      this.logger.warn("call refused: a limit is reached", { peer, method: work.method, limit: admission.limit });
      this.send(envelope, { type: "ERROR", id, failure: { className: "OverloadedError", message: admission.message, traceback: "" } });
      return;
    }
    const context: CallContext = { peer, method: work.method, messageId: id, identity };
    const outcome = this.dispatcher.dispatch(work, context);
    // A synchronous outcome is answered now, within this receive (the connection cannot have changed): the reply
    // leaves before the loop waits again.
    if (!(outcome instanceof Promise)) return this.answer(envelope, connection, id, work.method, outcome, admission.release);
    outcome.then(
      (settled) => {
        if (this.stillOn(peer, connection)) return this.answer(envelope, connection, id, work.method, settled, admission.release);
        this.logger.debug("reply dropped: the connection that made the call has closed", { peer, method: work.method });
        admission.release();
      },
      (error: unknown) => this.answerFailed(peer, work.method, error, admission.release),
    );
  }

  /** Replies; the call's slot is released once ZeroMQ took the reply, or it was given up, or there was none to send. */
  private answer(envelope: Envelope, connection: number, id: Buffer, method: string, outcome: Outcome, release: () => void): void {
    try {
      this.reply(envelope, connection, id, method, outcome, release);
    } catch (error) {
      this.answerFailed(envelope[0], method, error, release);
    }
  }

  private answerFailed(peer: Buffer, method: string, error: unknown, release: () => void): void {
    this.logger.error("reply failed; the caller will time out", { peer, method, error });
    release();
  }

  /**
   * Encodes and sends the reply to a call that came on `connection`, which
   * the caller found still open; if the reply must wait (a full queue), it
   * is given up once that connection is gone. `after` runs once ZeroMQ took
   * it or it was given up, or at once when the peer is closing. Throws only
   * when not even an ERROR saying why the result cannot be sent can be
   * encoded; `after` has not run then.
   */
  private reply(envelope: Envelope, connection: number, id: Buffer, method: string, outcome: Outcome, after: () => void): void {
    if (this.closed) {
      this.logger.debug("reply dropped: the peer is closed", { method });
      return after();
    }
    let message = toReply(id, outcome);
    let frames: Buffer[];
    try {
      frames = this.frame(envelope, message);
    } catch (error) {
      // What went wrong is cut short (a getter's error may carry megabytes), so that the ERROR saying it fits.
      const why = shortened(error instanceof Error ? error.message : String(error));
      const failure = error instanceof TooLargeError ? valueError(`the result of ${method} cannot be sent: ${why}`) : new TypeError(`the result of ${method} cannot be encoded: ${why}`);
      message = { type: "ERROR", id, failure: this.dispatcher.failureOf(failure) };
      try {
        frames = this.frame(envelope, message);
      } catch {
        // Still over the limit (a small one, with tracebacks sent): the class alone, which the caller can still act on.
        message = { type: "ERROR", id, failure: { className: failure.name, message: "", traceback: "" } };
        frames = this.frame(envelope, message);
      }
    }
    this.post(frames, message.type, this.replyPolicy(envelope[0], connection), after);
  }

  /**
   * A reply waits for room in its caller's queue up to the reply deadline,
   * and only while the connection the call came on is open: a caller that
   * is gone is not waited for, and a newcomer under its routing id gets
   * nothing of its. Replies that wait are still in flight, so a caller that
   * stops reading holds at most `maxCallsInFlightPerPeer` of them.
   */
  private replyPolicy(peer: Buffer, connection: number): SendPolicy {
    return { deadline: Date.now() + this.replyDeadlineMs, waitForPeer: false, stillWanted: () => this.stillOn(peer, connection) };
  }

  /** Whether `peer` still names `connection`: a routing id passes to whoever connects with it after the connection closes. */
  private stillOn(peer: Buffer, connection: number | undefined): boolean {
    return this.hooks.connectionOf(peer) === connection;
  }

  private settle(peer: Buffer, message: Message, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): void {
    const result = this.pending.settle(message.id, peer, outcome);
    if (result === "settled") return;
    this.logger.warn(
      result === "unknown"
        ? "reply dropped: no pending call has its id (late, duplicate or unknown)"
        : "reply dropped: it came from a peer the call was not sent to",
      { peer, type: message.type, id: message.id },
    );
  }

  /** A message that does not decode: log it; answer a WORK or a HELLO, or fail the call a reply was meant for. */
  private refuse(envelope: Envelope, decoded: Extract<Decoded, { ok: false }>): void {
    const { error, type, id } = decoded;
    this.logger.warn("message dropped", { peer: envelope[0], fault: error.fault, detail: error.message, type });
    if (id === undefined || this.closed) return;
    if (type === "WORK") {
      this.send(envelope, { type: "ERROR", id, failure: { className: "ProtocolError", message: error.message, traceback: "" } });
    } else if (type === "HELLO") {
      this.guard?.badHello(envelope, id);
    } else if (type === "OK" || type === "ERROR") {
      this.pending.settle(id, envelope[0], { ok: false, error });
    }
  }
}

/** The bytes of a message's frames after its envelope. */
function bodyBytes(frames: readonly Buffer[], start: number): number {
  let bytes = 0;
  for (let i = start; i < frames.length; i++) bytes += (frames[i] as Buffer).length;
  return bytes;
}

/** The most of a fault's text an ERROR that reports it carries. */
const MAX_FAULT_TEXT = 512;

/** `text`, cut to {@link MAX_FAULT_TEXT} characters. */
function shortened(text: string): string {
  return text.length > MAX_FAULT_TEXT ? `${text.slice(0, MAX_FAULT_TEXT)}… (${text.length} characters)` : text;
}

/** Python's name for "this value will not do", so a Python caller gets the builtin. */
function valueError(message: string): Error {
  const error = new Error(message);
  error.name = "ValueError";
  return error;
}

function toReply(id: Buffer, outcome: Outcome): Message {
  return outcome.ok ? { type: "OK", id, value: outcome.value } : { type: "ERROR", id, failure: outcome.failure };
}
