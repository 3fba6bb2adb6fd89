import { Router } from "zeromq";
import { ClosedError, UnreachableError } from "../errors.js";
import type { Logger } from "../logger.js";

/** How one ROUTER socket is set up. */
export interface RouterSocketOptions {
  /** ZMQ_ROUTING_ID: a server's name, so that clients can address it. */
  readonly routingId?: string;
  /** ZMQ_PROBE_ROUTER: a client announces itself as soon as its connection is up. */
  readonly probeRouter?: boolean;
  readonly logger: Logger;
}

/** Receives every multipart message, envelope included. It must not throw; if it does, the error is logged. */
export type FrameHandler = (frames: Buffer[]) => void;

interface Outgoing {
  readonly frames: Buffer[];
  /** Until when (ms since epoch) an unreachable destination is retried; 0 for never. */
  readonly retryUntil: number;
  attempt: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Delays between attempts to reach a peer whose connection is not up yet. */
const RETRY_DELAYS_MS = [5, 10, 20, 50, 100] as const;

/**
 * One zeromq.js ROUTER socket with what pseud needs around it: a send queue
 * (zeromq.js allows one blocked send per socket, else EBUSY), retries while a
 * destination's connection is not up yet (EHOSTUNREACH with `mandatory` on),
 * and a receive loop that survives anything a peer sends.
 *
 * `handover` stays off, unlike the reference: with it, any peer that claims a
 * connected peer's routing id would take over that peer's connection.
 */
export class RouterSocket {
  private readonly socket: Router;
  private readonly queue: Outgoing[] = [];
  private draining = false;
  private closed = false;
  private readonly logger: Logger;

  constructor(options: RouterSocketOptions, onMessage: FrameHandler) {
    this.logger = options.logger;
    this.socket = new Router({
      mandatory: true,
      handover: false,
      linger: 100,
      ...(options.routingId === undefined ? {} : { routingId: options.routingId }),
      ...(options.probeRouter ? { probeRouter: true } : {}),
    });
    void this.receiveLoop(onMessage);
  }

  /** Binds and returns the actual endpoint, so `tcp://127.0.0.1:*` tells its port. */
  async bind(endpoint: string): Promise<string> {
    this.assertOpen();
    await this.socket.bind(endpoint);
    return this.socket.lastEndpoint ?? endpoint;
  }

  /** Connects; ZeroMQ keeps reconnecting by itself if the other side goes away. */
  connect(endpoint: string): void {
    this.assertOpen();
    this.socket.connect(endpoint);
  }

  /**
   * Queues a message `[routing id, …frames]`. Resolves once ZeroMQ has taken
   * it. Rejects with {@link UnreachableError} when the destination is not
   * connected and still is not at `retryUntil`, with {@link ClosedError} when
   * the socket closes first.
   */
  send(frames: Buffer[], retryUntil = 0): Promise<void> {
    if (this.closed) return Promise.reject(new ClosedError("socket is closed"));
    return new Promise((resolve, reject) => {
      this.enqueue({ frames, retryUntil, attempt: 0, resolve, reject });
    });
  }

  /** Closes the socket; queued messages fail with {@link ClosedError}. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const item of this.queue.splice(0)) item.reject(new ClosedError("socket closed before the message was sent"));
    this.socket.close();
  }

  private enqueue(item: Outgoing): void {
    this.queue.push(item);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let item = this.queue.shift(); item !== undefined && !this.closed; item = this.queue.shift()) {
        try {
          await this.socket.send(item.frames);
          item.resolve();
        } catch (error) {
          this.sendFailed(item, error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private sendFailed(item: Outgoing, error: unknown): void {
    if (this.closed) return item.reject(new ClosedError("socket closed before the message was sent"));
    const delay = RETRY_DELAYS_MS[Math.min(item.attempt, RETRY_DELAYS_MS.length - 1)] as number;
    if (errorCode(error) === "EHOSTUNREACH") {
      if (Date.now() + delay <= item.retryUntil) {
        item.attempt += 1;
        setTimeout(() => (this.closed ? item.reject(new ClosedError("socket is closed")) : this.enqueue(item)), delay);
        return;
      }
      const peer = item.frames[0]?.toString("hex") ?? "";
      return item.reject(new UnreachableError(`peer 0x${peer} is not connected`));
    }
    item.reject(error instanceof Error ? error : new Error(String(error)));
  }

  private async receiveLoop(onMessage: FrameHandler): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await this.socket.receive();
      } catch (error) {
        if (this.closed || this.socket.closed) return;
        this.logger.error("receive failed; the receive loop goes on", { error });
        await new Promise((resolve) => setTimeout(resolve, 10)); // never a busy loop on a persistent fault
        continue;
      }
      try {
        onMessage(frames);
      } catch (error) {
        this.logger.error("message handler threw; the receive loop goes on", { error });
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError("socket is closed");
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
