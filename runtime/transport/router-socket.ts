import { randomBytes } from "node:crypto";
import { type Context, type EventOfType, type EventType, Router } from "zeromq";
import { ClosedError, OverloadedError, PseudError, UnreachableError } from "../errors.js";
import type { Limits } from "../limits.js";
import type { Logger } from "../logger.js";
import { checkEndpoint, endpointError } from "./endpoint-address.js";
import type { ClientMechanism, ServerMechanism } from "./mechanism.js";
import { retryInterrupted } from "./interrupted.js";
import { raiseMallocThresholds } from "./malloc-thresholds.js";
import { receiveLoop } from "./receive-loop.js";

/** How one ROUTER socket is set up. */
export interface RouterSocketOptions {
  /** ZMQ_ROUTING_ID: a server's name, so that clients can address it. */
  readonly routingId?: string;
  /** ZMQ_PROBE_ROUTER: a client announces itself as soon as its connection is up. */
  readonly probeRouter?: boolean;
  /**
   * ZMQ_IMMEDIATE, for a socket that connects out: messages go only to a
   * completed connection, and what waits in a connection's pipe goes with
   * it. Without it libzmq keeps the pipe of a connection it reconnects, and
   * hands what was queued for the old server to the next one.
   */
  readonly immediate?: boolean;
  /**
   * Tell connections from disconnections: ZMQ_ROUTER_NOTIFY delivers `[routing id, '']`
   * when a connection comes up, and ZMQ_DISCONNECT_MSG a message of this
   * socket's own secret when it goes, reported through
   * {@link SocketHandlers.disconnected}.
   */
  readonly notify?: boolean;
  /** The ZeroMQ context; a secured server has its own, for its own ZAP handler. */
  readonly context?: Context;
  /** CURVE or PLAIN, as the server or the client side. */
  readonly mechanism?: ServerMechanism | ClientMechanism;
  /** Message size, high-water marks and the bound of the send queue. */
  readonly limits: Pick<Limits, "maxMessageSize" | "sendHighWaterMark" | "receiveHighWaterMark" | "maxQueuedMessages">;
  readonly logger: Logger;
  /** How errors name a destination, e.g. `server "greeter" at tcp://…`; by default its routing id, as text when printable. */
  readonly describePeer?: (routingId: Buffer) => string;
}

/** ZMQ_ROUTER_NOTIFY and ZMQ_DISCONNECT_MSG, draft options zeromq.js does not wrap. */
const ZMQ_ROUTER_NOTIFY = 97;
const ZMQ_NOTIFY_CONNECT = 1;
const ZMQ_DISCONNECT_MSG = 111;

/** The longest `close()` waits for the monitor's last event (it comes on the next turns of the event loop). */
const MONITOR_END_WAIT_MS = 1_000;

class NotifyingRouter extends Router {
  /**
   * An empty message on connect, and `secret` on disconnect. ROUTER_NOTIFY's
   * own disconnect notice is an empty message too, which any peer can send
   * (a probe is one): no count of empty messages can tell them apart. The
   * secret never leaves this process, so no peer can forge a disconnect.
   */
  enableNotify(secret: Buffer): void {
    this.setInt32Option(ZMQ_ROUTER_NOTIFY, ZMQ_NOTIFY_CONNECT);
    this.setStringOption(ZMQ_DISCONNECT_MSG, secret);
  }
}

/** What a socket reports. Handlers must not throw; if one does, the error is logged. */
export interface SocketHandlers {
  /** Every multipart message, envelope included; a connect notice is `[routing id, '']`. */
  message(frames: Buffer[]): void;
  /**
   * A connection closed (with `notify` on). It comes after every message of
   * that connection, and before any message of a later connection under the
   * same routing id: libzmq hands a routing id to a new connection only once
   * the old one's pipe, this notice included, has been read.
   */
  disconnected(routingId: Buffer): void;
}

/** How long a message may wait to be taken by ZeroMQ. */
export interface SendPolicy {
  /** Until when (ms since epoch) the message is retried while its destination's queue is full (EAGAIN). */
  readonly deadline: number;
  /** Whether a destination that is not connected (EHOSTUNREACH) is waited for until the deadline, or fails at once. */
  readonly waitForPeer: boolean;
  /**
   * Asked before each attempt after the first (from the queue, or a retry):
   * false gives the message up. A message that waits outlives the
   * connection it was meant for, and a routing id passes to whoever
   * connects with it next: a reply, or a call, must not follow it there.
   */
  readonly stillWanted?: () => boolean;
}

/**
 * Told once what became of a message handed to {@link RouterSocket.send}:
 * no error when ZeroMQ took it, else why it was given up. A callback, not a
 * promise: a message sent at once costs one promise reaction (zeromq.js's
 * own), not a chain of them.
 */
export type SendDone = (error?: Error) => void;

interface Outgoing {
  readonly frames: Buffer[];
  readonly policy: SendPolicy;
  attempt: number;
  readonly done: SendDone;
}

/** Delays between attempts to reach a peer whose connection is not up yet, or whose queue is full. */
const RETRY_DELAYS_MS = [1, 5, 10, 20, 50, 100] as const;

/**
 * One zeromq.js ROUTER socket with what pseud needs around it: a send queue,
 * retries while a destination's connection is not up yet (EHOSTUNREACH with
 * `mandatory` on) or its queue is full (EAGAIN), and a receive loop that
 * survives anything a peer sends.
 *
 * Sends never block: `sendTimeout` is 0. zeromq.js would otherwise keep a
 * send to an unknown routing id pending until the socket closes, and allows
 * only one blocked send per socket, so one absent peer would stall every
 * other. Each message is retried on its own deadline instead.
 *
 * `handover` stays off, unlike the reference: with it, any peer that claims a
 * connected peer's routing id would take over that peer's connection.
 *
 * Every message accepted by `send` counts against `maxQueuedMessages` until
 * ZeroMQ takes it or it fails, retries included: the queue cannot grow
 * without bound when peers stop reading.
 */
export class RouterSocket {
  private readonly socket: NotifyingRouter;
  private readonly queue: Outgoing[] = [];
  /** Messages accepted and not yet settled: queued, being sent, or waiting to retry. */
  private outstanding = 0;
  private readonly maxQueued: number;
  private draining = false;
  private closed = false;
  private readonly logger: Logger;
  private readonly describePeer: (routingId: Buffer) => string;
  private readonly disconnectSecret: Buffer | undefined;
  /** Settles when the socket's monitor has read its last event and closed its own socket. */
  private monitorEnded: Promise<void> | undefined;

  constructor(options: RouterSocketOptions, handlers: SocketHandlers) {
    raiseMallocThresholds();
    this.logger = options.logger;
    this.describePeer = options.describePeer ?? routingIdText;
    this.maxQueued = options.limits.maxQueuedMessages;
    this.socket = new NotifyingRouter({
      mandatory: true,
      handover: false,
      sendTimeout: 0,
      linger: 100,
      maxMessageSize: options.limits.maxMessageSize,
      sendHighWaterMark: options.limits.sendHighWaterMark,
      receiveHighWaterMark: options.limits.receiveHighWaterMark,
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.routingId === undefined ? {} : { routingId: options.routingId }),
      ...(options.probeRouter ? { probeRouter: true } : {}),
      ...(options.immediate ? { immediate: true } : {}),
      ...mechanismOptions(options.mechanism),
    });
    if (options.notify) {
      this.disconnectSecret = randomBytes(32);
      this.socket.enableNotify(this.disconnectSecret);
    }
    void receiveLoop(this.socket, () => this.closed, (frames) => this.deliver(frames, handlers), this.logger);
  }

  /** Messages accepted by `send` and not yet taken by ZeroMQ or failed. */
  get queued(): number {
    return this.outstanding;
  }

  /** Binds and returns the actual endpoint, so `tcp://127.0.0.1:*` tells its port. */
  async bind(endpoint: string): Promise<string> {
    this.assertOpen();
    checkEndpoint(endpoint, "bind");
    try {
      await this.socket.bind(endpoint);
    } catch (error) {
      throw endpointError(endpoint, "bind", error);
    }
    return this.socket.lastEndpoint ?? endpoint;
  }

  /** Connects; ZeroMQ keeps reconnecting by itself if the other side goes away. */
  connect(endpoint: string): void {
    this.assertOpen();
    checkEndpoint(endpoint, "connect to");
    try {
      retryInterrupted(() => this.socket.connect(endpoint));
    } catch (error) {
      throw endpointError(endpoint, "connect to", error);
    }
  }

  /**
   * Sends a message `[routing id, …frames]`: at once when nothing is queued
   * before it, else after what is. `done` hears once ZeroMQ has taken it, or
   * why it was given up (never before `send` returns): {@link UnreachableError}
   * when the destination is not connected (at once, or at the deadline if the
   * policy waits for it) or its queue stays full until the deadline,
   * {@link OverloadedError} when `maxQueuedMessages` are already outstanding,
   * {@link ClosedError} when the socket closes first.
   */
  send(frames: Buffer[], policy: SendPolicy, done: SendDone): void {
    if (this.closed) return this.tellLater(done, new ClosedError("socket is closed"));
    if (this.outstanding >= this.maxQueued) {
      return this.tellLater(done, new OverloadedError(`the send queue holds ${this.outstanding} messages (limits.maxQueuedMessages): this one was not sent`));
    }
    this.outstanding++;
    const item: Outgoing = { frames, policy, attempt: 0, done };
    if (this.queue.length === 0 && !this.draining) {
      // Nothing waits before it: straight to the socket, which (sendTimeout 0) takes the message or refuses it at
      // once. Only a refusal goes the queue's way, to be tried again or failed.
      this.sendNow(frames).then(
        () => this.settle(item),
        (error: unknown) => this.sendFailed(item, error),
      );
      return;
    }
    this.enqueue(item);
  }

  /** Listens to the socket's monitor events (handshakes, disconnects…). */
  onEvent<E extends EventType>(type: E, listener: (event: EventOfType<E>) => void): void {
    // The monitor is made on first use; a signal meanwhile fails that with EINTR (see retryInterrupted).
    const monitor = retryInterrupted(() => this.socket.events, ["EADDRINUSE"]);
    this.monitorEnded ??= new Promise((resolve) => monitor.on("end", () => resolve()));
    monitor.on(type, listener);
  }

  /**
   * Closes the socket; queued messages fail with {@link ClosedError}.
   * Resolves once its monitor (if events were listened to) has ended too, or
   * after {@link MONITOR_END_WAIT_MS} at most: the monitor's own socket is
   * freed only when its last event has been read, on a later turn of the
   * event loop, and a ZeroMQ context holds at most 1,023 sockets, so a
   * program that opens and closes clients in a loop without that wait ran
   * out of sockets after about 500. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const item of this.queue.splice(0)) this.settle(item, new ClosedError("socket closed before the message was sent"));
    this.socket.close();
    if (this.monitorEnded === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.monitorEnded, new Promise<void>((resolve) => (timer = setTimeout(resolve, MONITOR_END_WAIT_MS).unref()))]);
    clearTimeout(timer);
  }

  private enqueue(item: Outgoing): void {
    this.queue.push(item);
    if (!this.draining) void this.drain();
  }

  /** zeromq.js's send, whose refusals may also be thrown (a closed socket): always as a promise. */
  private sendNow(frames: Buffer[]): Promise<void> {
    try {
      return this.socket.send(frames);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let item = this.queue.shift(); item !== undefined && !this.closed; item = this.queue.shift()) {
        if (!wanted(item.policy)) {
          this.settle(item, new UnreachableError("the connection the message was meant for has closed"));
          continue;
        }
        let failure: { error: unknown } | undefined;
        try {
          await this.sendNow(item.frames);
        } catch (error) {
          failure = { error };
        }
        if (failure === undefined) this.settle(item);
        else this.sendFailed(item, failure.error);
      }
    } finally {
      this.draining = false;
    }
  }

  private sendFailed(item: Outgoing, error: unknown): void {
    if (this.closed) return this.settle(item, new ClosedError("socket closed before the message was sent"));
    const code = errorCode(error);
    const peer = this.describePeer(item.frames[0] ?? Buffer.alloc(0));
    if (code !== "EHOSTUNREACH" && code !== "EAGAIN") return this.settle(item, PseudError.from(error));
    const delay = RETRY_DELAYS_MS[Math.min(item.attempt, RETRY_DELAYS_MS.length - 1)] as number;
    const mayWait = code === "EAGAIN" || item.policy.waitForPeer;
    if (mayWait && Date.now() + delay <= item.policy.deadline) {
      item.attempt += 1;
      setTimeout(() => (this.closed ? this.settle(item, new ClosedError("socket is closed")) : this.enqueue(item)), delay);
      return;
    }
    this.settle(item, new UnreachableError(code === "EAGAIN" ? `${peer} is not reading: its queue stayed full` : `${peer} is not connected`));
  }

  /** The end of a message accepted by `send`: it no longer counts against the queue's bound, and its sender hears. */
  private settle(item: Outgoing, error?: Error): void {
    this.outstanding--;
    this.tell(item.done, error);
  }

  /** A refusal told on a later turn, as one after an attempt would be: `done` never runs inside `send`. */
  private tellLater(done: SendDone, error: Error): void {
    queueMicrotask(() => this.tell(done, error));
  }

  /** Runs a sender's callback; what it throws (a logger that throws, say) is logged if it can be, and goes no further. */
  private tell(done: SendDone, error: Error | undefined): void {
    try {
      done(error);
    } catch (thrown) {
      try {
        this.logger.error("a send's callback threw", { error: thrown });
      } catch {
        // The logger threw too: nothing is left to tell.
      }
    }
  }

  /** A message to its handler: our own disconnect notice (the secret), or a peer's message. */
  private deliver(frames: Buffer[], handlers: SocketHandlers): void {
    if (this.disconnectSecret !== undefined && frames.length === 2 && frames[1]?.equals(this.disconnectSecret)) handlers.disconnected(frames[0] as Buffer);
    else handlers.message(frames);
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError("socket is closed");
  }
}

/** Socket options for a security mechanism: the server or client side of CURVE or PLAIN. */
function mechanismOptions(mechanism: ServerMechanism | ClientMechanism | undefined) {
  if (mechanism === undefined) return {};
  if ("curve" in mechanism) {
    const keys = { curvePublicKey: mechanism.curve.publicKey, curveSecretKey: mechanism.curve.secretKey };
    return "serverKey" in mechanism ? { ...keys, curveServerKey: mechanism.serverKey } : { ...keys, curveServer: true };
  }
  if ("plain" in mechanism) {
    return mechanism.plain === true ? { plainServer: true } : { plainUsername: mechanism.plain.username, plainPassword: mechanism.plain.password };
  }
  return {};
}

/** Whether a waiting message should still go; a check that throws says no (the message is given up and told so, not lost). */
function wanted(policy: SendPolicy): boolean {
  try {
    return policy.stillWanted?.() !== false;
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A routing id as people read it: `peer "greeter"` when it is printable text, `peer 0x…` (hex) otherwise. */
export function routingIdText(routingId: Buffer): string {
  const printable = routingId.length > 0 && routingId.length <= 64 && routingId.every((byte) => byte >= 0x20 && byte < 0x7f);
  return printable ? `peer ${JSON.stringify(routingId.toString("latin1"))}` : `peer 0x${routingId.subarray(0, 32).toString("hex")}${routingId.length > 32 ? "…" : ""}`;
}
