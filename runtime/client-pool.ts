import { EventEmitter } from "node:events";
import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { Client, type ClientOptions } from "./client.js";
import type { ContextRegisterOptions } from "./endpoint.js";
import type { EventHandler } from "./events/subscriber.js";
import { AbortedError, ClosedError, PeerLostError, TimeoutError, UnreachableError } from "./errors.js";
import type { Predicate } from "./peer/call-context.js";
import { type CallOptions, DEFAULT_TIMEOUT_MS } from "./peer/rpc-peer.js";
import type { ContextHandler, Handler, RegisterOptions } from "./peer/registry.js";

/** Options of a {@link ClientPool}: those of each of its clients, and which methods may run twice. */
export interface ClientPoolOptions extends ClientOptions {
  /**
   * Methods that may safely run twice (by wire name, or a test of it). A call
   * to one of them whose server died while it was pending is sent again to
   * another server; any other such call fails with PeerLostError, since its
   * server may have run it. Default: none.
   */
  readonly idempotent?: readonly string[] | ((method: string) => boolean);
}

/** The events a {@link ClientPool} emits, for each of its servers, by endpoint. */
export interface ClientPoolEvents {
  "server:connected": [endpoint: string];
  "server:lost": [endpoint: string, reason: string];
}

/** One server of the pool: its own client (its own socket, liveness and authentication). */
interface Member {
  readonly endpoint: string;
  readonly client: Client;
  /** Its server is there: the connection is up and the server has not been declared lost for its silence. */
  live: boolean;
  /** Calls of this pool pending on it now. */
  pending: number;
}

/**
 * A client of several servers of one service (replicas, each at its own
 * endpoint): every call goes to the live server with the fewest calls of
 * this pool pending, the first in endpoint order on a tie.
 *
 * - A server is live from its `server:connected` to its `server:lost`
 *   (its connection closed, or its heartbeats stopped): a dead one gets no
 *   new calls, and comes back by itself when it does.
 * - A call is sent again to another server only when it provably never
 *   reached its first (UnreachableError: ZeroMQ never took it), or when its
 *   method is marked idempotent; so no call runs twice unless it may.
 * - Each server knows this pool as one connected client: methods registered
 *   here are registered on every member, so a server's call back reaches
 *   the member connected to it.
 *
 * With no live server, a call waits for one within its timeout, as a
 * {@link Client}'s does.
 */
export class ClientPool extends EventEmitter<ClientPoolEvents> implements Caller {
  private readonly members: Member[];
  private readonly idempotent: (method: string) => boolean;
  private readonly timeoutMs: number;
  private closed = false;
  /** Calls waiting for a server to be live: settled (undefined) when one is, or with ClosedError. */
  private readonly waiting = new Set<(error: Error | undefined) => void>();
  /** Dynamic calls by property access, untyped: `pool.remote.string.lower("ABC")`. */
  readonly remote: RemoteProxy;

  constructor(
    readonly serverName: string,
    endpoints: readonly string[],
    options: ClientPoolOptions = {},
  ) {
    super();
    if (endpoints.length === 0) throw new TypeError("a client pool needs at least one endpoint");
    if (new Set(endpoints).size !== endpoints.length) throw new TypeError("a client pool's endpoints must differ");
    const { idempotent = [], ...clientOptions } = options;
    this.idempotent = typeof idempotent === "function" ? idempotent : (method) => idempotent.includes(method);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.members = endpoints.map((endpoint) => this.member(endpoint, clientOptions));
    this.remote = remoteProxy(this);
  }

  /** The endpoints whose server is live now, in endpoint order. */
  liveEndpoints(): string[] {
    return this.members.filter((m) => m.live).map((m) => m.endpoint);
  }

  /**
   * Calls a method of the service on one of its servers. Settles exactly
   * once, as {@link Client.call}; PeerLostError means its server died while
   * the call was pending and the method is not idempotent: it may have run.
   */
  async call(method: string, args: readonly unknown[] = [], kwargs: Readonly<Record<string, unknown>> = {}, options: CallOptions = {}): Promise<unknown> {
    if (this.closed) throw new ClosedError("the client pool is closed");
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const tried = new Set<Member>();
    // Each server is tried once at most: attempts are bounded by the pool's size, and all share the call's timeout.
    if (!this.members.some((m) => m.live)) await this.someLive(method, deadline, timeoutMs, options.signal);
    let member = this.choose(tried);
    while (member !== undefined) {
      const current = member;
      current.pending++;
      try {
        return await current.client.call(method, args, kwargs, { ...options, timeoutMs: deadline - Date.now() });
      } catch (error) {
        tried.add(current);
        member = this.choose(tried);
        if (member === undefined || this.closed || !this.mayTryAgain(error, method)) throw error;
        if (Date.now() >= deadline) throw new TimeoutError(method, timeoutMs);
      } finally {
        current.pending--;
      }
    }
    throw new ClosedError("the client pool has no server"); // not reached: a pool has at least one
  }

  /** Registers a method the servers may call, on every member. See {@link Client.register}. */
  register(name: string, handler: Handler, options?: RegisterOptions): void;
  register(name: string, handler: ContextHandler, options: ContextRegisterOptions): void;
  register(name: string, handler: Handler | ContextHandler, options: RegisterOptions & { readonly withContext?: boolean } = {}): void {
    for (const { client } of this.members) {
      if (options.withContext === true) client.register(name, handler as ContextHandler, { ...options, withContext: true });
      else client.register(name, handler as Handler, options);
    }
  }

  /** Runs `handler` for each event `name` any server of the pool publishes to this pool; returns what stops it. See {@link Client.subscribe}. */
  subscribe(name: string, handler: EventHandler): () => void {
    const stops = this.members.map(({ client }) => client.subscribe(name, handler));
    return () => {
      for (const stop of stops) stop();
    };
  }

  /** Sets a domain's predicate on every member. */
  setPredicate(domain: string, predicate: Predicate): void {
    for (const { client } of this.members) client.setPredicate(domain, predicate);
  }

  /** Closes every member; pending calls fail with ClosedError. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const settle of [...this.waiting]) settle(new ClosedError("the client pool is closed"));
    await Promise.all(this.members.map((m) => m.client.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private member(endpoint: string, options: ClientOptions): Member {
    const client = new Client(this.serverName, options);
    const member: Member = { endpoint, client, live: false, pending: 0 };
    client.on("server:connected", () => {
      member.live = true;
      for (const settle of [...this.waiting]) settle(undefined);
      this.emit("server:connected", endpoint);
    });
    client.on("server:lost", (reason) => {
      member.live = false;
      this.emit("server:lost", endpoint, reason);
    });
    client.connect(endpoint);
    return member;
  }

  /** Resolves when a server of the pool is live; rejects with TimeoutError at the call's deadline, ClosedError when the pool closes. */
  private someLive(method: string, deadline: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const aborted = () => settle(new AbortedError(method, signal?.reason));
      const settle = (error: Error | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", aborted);
        this.waiting.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => settle(new TimeoutError(method, timeoutMs)), deadline - Date.now());
      this.waiting.add(settle);
      if (signal?.aborted) aborted();
      else signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  /** The live member with the fewest pending calls, not yet tried; else the first not yet tried (its call waits for its server); undefined when all were. */
  private choose(tried: ReadonlySet<Member>): Member | undefined {
    let best: Member | undefined;
    for (const member of this.members) {
      if (!member.live || tried.has(member)) continue;
      if (best === undefined || member.pending < best.pending) best = member;
    }
    return best ?? this.members.find((m) => !tried.has(m));
  }

  /** Whether a failed call may go to another server: it never reached this one, or it may run twice. */
  private mayTryAgain(error: unknown, method: string): boolean {
    if (error instanceof UnreachableError) return true;
    return error instanceof PeerLostError && this.idempotent(method);
  }
}
