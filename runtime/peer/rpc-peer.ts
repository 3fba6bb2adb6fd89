import { ClosedError, EncodeError, errorFromRemote } from "../errors.js";
import type { Logger } from "../logger.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../protocol/decode-limits.js";
import { decodeFrames, type Decoded, encodeMessage, type Message, type Work } from "../protocol/frames.js";
import { newMessageId } from "../protocol/message-id.js";
import type { LogRateLimit } from "../rate-limited-logger.js";
import { RouterSocket, type RouterSocketOptions } from "../transport/router-socket.js";
import type { CallContext, Predicate } from "./call-context.js";
import { Dispatcher, type Outcome } from "./dispatcher.js";
import { type Envelope, type Guard, type PeerControl, REFUSED } from "./guard.js";
import { PendingCalls } from "./pending-calls.js";
import { Registry } from "./registry.js";

/** Per-call options, all optional. */
export interface CallOptions {
  /** Fail with TimeoutError when no reply came within this many ms (default: the peer's, 5000). */
  readonly timeoutMs?: number;
  /** Fail with AbortedError when this signal fires. */
  readonly signal?: AbortSignal;
}

/** What a Client and a Server share: how they log, time out and report errors. */
export interface PeerOptions {
  /** Where dropped messages and faults are reported; default `consoleLogger("warn")`. */
  readonly logger?: Logger;
  /** Default call timeout in ms; the reference's is 5000. */
  readonly timeoutMs?: number;
  /** Send a handler's stack trace with its ERROR (default true). */
  readonly sendTracebacks?: boolean;
  /** Tighter limits on what a received body may hold (default {@link DEFAULT_DECODE_LIMITS}: only the bytes received bound it, and depth 100). */
  readonly decodeLimits?: Partial<DecodeLimits>;
  /** How many warnings and errors of one kind are logged per interval (default 10 per 10 s, then one summary). */
  readonly logRateLimit?: LogRateLimit;
}

/** What a client or server hears from its peer layer. */
export interface PeerHooks {
  /** A peer sent a message that decoded; `heartbeat` when it was a HEARTBEAT. */
  onPeerSeen(routingId: Buffer, heartbeat: boolean): void;
  /** A peer sent `[routing id, '']`: its probe, or a ROUTER_NOTIFY connect or disconnect. */
  onEmptyMessage(routingId: Buffer): void;
}

const EMPTY = Buffer.alloc(0);
const HEARTBEAT_FRAMES = encodeMessage({ type: "HEARTBEAT", id: EMPTY, text: "" });
export const DEFAULT_TIMEOUT_MS = 5_000;

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
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly decodeLimits: DecodeLimits;
  private guard: Guard | undefined;
  private closed = false;

  constructor(
    socketOptions: RouterSocketOptions,
    options: PeerOptions & { readonly logger: Logger },
    private readonly hooks: PeerHooks,
  ) {
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.decodeLimits = { ...DEFAULT_DECODE_LIMITS, ...options.decodeLimits };
    this.dispatcher = new Dispatcher(this.registry, {
      sendTracebacks: options.sendTracebacks ?? true,
      logger: this.logger,
    });
    this.socket = new RouterSocket(socketOptions, (frames) => this.receive(frames));
  }

  /** Puts an authentication layer between the socket and the dispatcher. */
  setGuard(guard: Guard): void {
    this.guard = guard;
  }

  /** Sets the predicate that admits callers to a domain's registrations. */
  setPredicate(domain: string, predicate: Predicate): void {
    this.dispatcher.setPredicate(domain, predicate);
  }

  bind(endpoint: string): Promise<string> {
    return this.socket.bind(endpoint);
  }

  connect(endpoint: string): void {
    this.socket.connect(endpoint);
  }

  /**
   * Calls `method` on the peer with routing id `peer`. Settles exactly once:
   * the result, a remote error, or a local TimeoutError, AbortedError,
   * EncodeError, UnreachableError or ClosedError.
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
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const id = newMessageId();
    // Trailing undefined means "left out", as in JavaScript: the callee's defaults apply (a Python callee would get None).
    let end = args.length;
    while (end > 0 && args[end - 1] === undefined) end--;
    if (end !== args.length) args = args.slice(0, end);
    let frames: Buffer[];
    try {
      frames = [peer, EMPTY, ...encodeMessage({ type: "WORK", id, work: { method, args, kwargs } })];
    } catch (error) {
      return Promise.reject(error instanceof EncodeError ? new EncodeError(`arguments of ${method}: ${error.message}`) : error);
    }
    const key = id.toString("latin1");
    const result = this.pending.add(key, peer.toString("latin1"), method, timeoutMs, frames, options.signal);
    this.transmit(key, frames, { deadline: Date.now() + timeoutMs, waitForPeer });
    return result;
  }

  /** Fails the calls pending on one peer, at once. */
  failCallsTo(peer: Buffer, makeError: () => Error): void {
    this.pending.rejectAll(makeError, peer.toString("latin1"));
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
    this.socket.close();
  }

  // PeerControl: what the guard may do.

  /** Sends a message to a peer; throws EncodeError when its body cannot be encoded. One that cannot go is logged and dropped. */
  send(envelope: Envelope, message: Message): void {
    if (this.closed) return;
    this.socket.send([...envelope, ...encodeMessage(message)], this.replyPolicy()).catch((error: unknown) => {
      this.logger.warn("message dropped: its peer is gone", { peer: envelope[0], type: message.type, error });
    });
  }

  resend(id: Buffer): boolean {
    const key = id.toString("latin1");
    const frames = this.pending.framesOf(key);
    if (frames === undefined) return false;
    this.transmit(key, [...frames], this.replyPolicy());
    return true;
  }

  fail(id: Buffer, error: Error): boolean {
    return this.pending.reject(id.toString("latin1"), error);
  }

  /** Sends a HEARTBEAT (empty id, empty body); one that cannot go is dropped quietly: its peer's silence says the rest. */
  heartbeat(peer: Buffer): void {
    if (this.closed) return;
    this.socket.send([peer, EMPTY, ...HEARTBEAT_FRAMES], { deadline: 0, waitForPeer: false }).catch((error: unknown) => {
      this.logger.debug("heartbeat not sent", { peer, error });
    });
  }

  private transmit(key: string, frames: Buffer[], policy: { deadline: number; waitForPeer: boolean }): void {
    this.socket.send(frames, policy).catch((error: Error) => this.pending.reject(key, error));
  }

  private receive(frames: Buffer[]): void {
    const routingId = frames[0];
    if (routingId === undefined || frames.length < 2) {
      this.logger.warn("message dropped", { fault: "ENVELOPE", detail: `${frames.length} frame(s)` });
      return;
    }
    const second = frames[1] as Buffer;
    if (frames.length === 2 && second.length === 0) return this.hooks.onEmptyMessage(routingId);
    const delimited = second.length === 0;
    const envelope: Envelope = delimited ? [routingId, EMPTY] : [routingId];
    const decoded = decodeFrames(delimited ? frames.slice(2) : frames.slice(1), this.decodeLimits);
    if (!decoded.ok) return this.refuse(envelope, decoded);
    const message = decoded.message;
    this.hooks.onPeerSeen(routingId, message.type === "HEARTBEAT");
    switch (message.type) {
      case "WORK": {
        const identity = this.guard ? this.guard.admitWork(envelope, message) : undefined;
        if (identity !== REFUSED) this.serve(envelope, message.id, message.work, identity);
        return;
      }
      case "OK":
        return this.settle(routingId, message, { ok: true, value: message.value });
      case "ERROR": {
        const { className, message: text, traceback } = message.failure;
        const method = this.pending.methodOf(message.id.toString("latin1")) ?? "";
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

  private serve(envelope: Envelope, id: Buffer, work: Work, identity: string | undefined): void {
    const context: CallContext = { peer: envelope[0], method: work.method, messageId: id, identity };
    void this.dispatcher.dispatch(work, context).then((outcome) => this.reply(envelope, id, work.method, outcome));
  }

  private reply(envelope: Envelope, id: Buffer, method: string, outcome: Outcome): void {
    if (this.closed) {
      this.logger.debug("reply dropped: the peer is closed", { method });
      return;
    }
    try {
      this.send(envelope, toReply(id, outcome));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.send(envelope, { type: "ERROR", id, failure: this.dispatcher.failureOf(new TypeError(`the result of ${method} cannot be encoded: ${why}`)) });
    }
  }

  /** A reply waits for room in its caller's queue as long as a call would wait for it; a caller that is gone is not waited for. */
  private replyPolicy() {
    return { deadline: Date.now() + this.timeoutMs, waitForPeer: false };
  }

  private settle(peer: Buffer, message: Message, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): void {
    const result = this.pending.settle(message.id.toString("latin1"), peer.toString("latin1"), outcome);
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
      this.pending.settle(id.toString("latin1"), envelope[0].toString("latin1"), { ok: false, error });
    }
  }
}

function toReply(id: Buffer, outcome: Outcome): Message {
  return outcome.ok ? { type: "OK", id, value: outcome.value } : { type: "ERROR", id, failure: outcome.failure };
}
