import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { Endpoint } from "./endpoint.js";
import { UnreachableError } from "./errors.js";
import { type EventLimits, EventPublisher, type EventStats } from "./events/publisher.js";
import { EVENT_METHOD, eventNames, SUBSCRIBE_METHOD, UNSUBSCRIBE_METHOD } from "./protocol/events.js";
import { heartbeatPlugin } from "./heartbeat/create.js";
import type { HeartbeatOptions } from "./heartbeat/plugin.js";
import { consoleLogger, type Logger } from "./logger.js";
import type { CallContext } from "./peer/call-context.js";
import { ConnectionTable, type PeerInfo } from "./peer/connection-table.js";
import { type CallOptions, type PeerOptions, RpcPeer } from "./peer/rpc-peer.js";
import { rateLimitedLogger } from "./rate-limited-logger.js";
import type { ServerSecurity } from "./security/config.js";
import type { ServerGuard } from "./security/server-guard.js";
import { type ServerSecurityLayer, serverSecurity } from "./security/server-security.js";

/** Options of a {@link Server}; all optional. */
export interface ServerOptions extends PeerOptions {
  /** Encryption and authentication, by plugin name; none by default. */
  readonly security?: ServerSecurity;
  /** Liveness: `{ plugin: "interval", intervalMs, maxMissed }` (the default: 1000 ms, 3), `{ plugin: "none" }`, or a plugin. */
  readonly heartbeat?: HeartbeatOptions;
  /** Bounds on the events held for subscribers; each left out is its default (see EventLimits). */
  readonly events?: Partial<EventLimits>;
}

/** Options of {@link Server.publish}. */
export interface PublishOptions {
  /** Only to this subscriber: its authenticated identity, or its routing id (bytes; or a string without a plugin). */
  readonly to?: Uint8Array | string;
}

export type { PeerInfo };

/** The events a {@link Server} emits. */
export interface ServerEvents {
  /** A client connected (under untrusted_curve: once it has authenticated). */
  "peer:connected": [peer: PeerInfo];
  /** A client proved who it is; `sendTo(identity)` reaches it from now on. */
  "peer:authenticated": [peer: PeerInfo];
  /**
   * A client disconnected (`"disconnected"`), or stopped heartbeating (`"no
   * heartbeat"`); the calls pending on it failed with PeerLostError. A client
   * that stopped heartbeating keeps its connection and its identity: if it
   * speaks again, `peer:connected` (and `peer:authenticated`, if it had
   * authenticated) announce it again.
   */
  "peer:lost": [peer: PeerInfo, reason: string];
}

/** A server's handle on one connected client: call the methods that client registered. */
export interface PeerCaller extends Caller {
  /** Dynamic calls by property access: `server.sendTo(id).remote.draw.me.a.sheep()`. */
  readonly remote: RemoteProxy;
}

/**
 * A pseud server: a ROUTER socket whose routing id is `name`, which clients
 * address. It serves the methods registered on it and can call methods that
 * connected clients registered, by routing id or by authenticated identity.
 *
 * ```ts
 * const server = new Server("service");
 * server.register("hello", (name: string) => `Hello ${name}`, { params: ["name"] });
 * const endpoint = await server.bind("tcp://127.0.0.1:*");
 * ```
 */
export class Server extends Endpoint<ServerEvents> {
  protected readonly peer: RpcPeer;
  private readonly connections: ConnectionTable;
  private readonly security: ServerSecurityLayer;
  private readonly guard: ServerGuard | undefined;
  private readonly logger: Logger;
  private readonly events: EventPublisher;

  constructor(
    readonly name: string,
    options: ServerOptions = {},
  ) {
    super();
    if (typeof name !== "string" || name === "") throw new TypeError("a server needs a non-empty name");
    this.logger = rateLimitedLogger(options.logger ?? consoleLogger(), options.logRateLimit);
    this.security = serverSecurity(options.security, this.logger);
    const { context, mechanism } = this.security.socket;
    this.peer = new RpcPeer(
      { routingId: name, notify: true, logger: this.logger, ...(context ? { context } : {}), ...(mechanism ? { mechanism } : {}) },
      { ...options, logger: this.logger },
      {
        onPeerSeen: (id, heartbeat) => this.connections.seen(id, heartbeat),
        onEmptyMessage: (id) => this.connections.empty(id),
        onDisconnect: (id) => this.connections.disconnected(id),
        connectionOf: (id) => this.connections.serialOf(id),
      },
    );
    const guard = this.security.guard(this.peer, (id) => this.connections.authenticated(id));
    this.guard = guard;
    this.connections = new ConnectionTable(
      {
        mustAuthenticate: this.security.mustAuthenticate,
        identityOf: (id) => guard?.identities.identityOf(id),
        opened: (id) => guard?.connected(id),
        closed: (id) => guard?.disconnected(id),
        failCalls: (id, error) => this.peer.failCallsTo(id, error),
        heartbeat: (id) => this.peer.heartbeat(id),
        events: {
          connected: (peer) => this.emit("peer:connected", peer),
          authenticated: (peer) => this.emit("peer:authenticated", peer),
          lost: (peer, reason) => {
            this.events.disconnected(peer.routingId);
            this.emit("peer:lost", peer, reason);
          },
        },
        logger: this.logger,
      },
      heartbeatPlugin(options.heartbeat),
    );
    for (const type of ["handshake:error:auth", "handshake:error:protocol", "handshake:error:other"] as const) {
      this.peer.socket.onEvent(type, (event) => this.logger.warn("client handshake failed", { event: type, address: event.address, error: event.error }));
    }
    this.events = new EventPublisher({ deliver: (id, args) => this.sendTo(id).call(EVENT_METHOD, args), logger: this.logger }, options.events);
    const subscription = (apply: (context: CallContext, names: string[]) => void) => (context: CallContext, names: unknown) => {
      const checked = eventNames(names);
      if (typeof checked === "string") throw new TypeError(checked);
      apply(context, checked);
      return null;
    };
    this.register(SUBSCRIBE_METHOD, subscription((context, names) => this.events.subscribe(context.peer, context.identity, names)), { withContext: true });
    this.register(UNSUBSCRIBE_METHOD, subscription((context, names) => this.events.unsubscribe(context.peer, names)), { withContext: true });
  }

  /**
   * Publishes an event to every client subscribed to `name` (or only to
   * `options.to`). A subscriber that is away gets it when it comes back,
   * within the bounds of `events` (see EventLimits). Returns how many
   * subscribers it went to.
   */
  publish(name: string, payload: unknown, options: PublishOptions = {}): number {
    const to = typeof options.to === "string" && this.guard === undefined ? Buffer.from(options.to, "utf8") : options.to;
    return this.events.publish(name, payload, to);
  }

  /** What the events hold now, and have dropped. */
  eventStats(): EventStats {
    return this.events.stats();
  }

  /** Binds, and returns the actual endpoint (`tcp://127.0.0.1:*` → its port). May be called for several endpoints. */
  async bind(endpoint: string): Promise<string> {
    await this.security.start();
    return this.peer.bind(endpoint);
  }

  /**
   * A handle to call the methods of one connected client: by its
   * authenticated identity (a string, with an authentication plugin), or by
   * its routing id (bytes; or a string without a plugin, as the reference).
   * A call to a client that is not connected, or that was declared lost for
   * its silence and has not spoken since, fails at once with UnreachableError.
   */
  sendTo(peer: Uint8Array | string): PeerCaller {
    const call = (method: string, args: readonly unknown[] = [], kwargs: Readonly<Record<string, unknown>> = {}, options: CallOptions = {}) => {
      const routingId = this.routingIdOf(peer);
      if (routingId === undefined) return Promise.reject(new UnreachableError(`no connected client is authenticated as ${JSON.stringify(peer)}`));
      if (this.connections.isSilent(routingId)) {
        return Promise.reject(new UnreachableError(`client ${this.connections.nameOf(routingId)} is not responding: it stopped heartbeating`));
      }
      return this.peer.call(routingId, method, args, kwargs, options, false);
    };
    return { call, remote: remoteProxy({ call }) };
  }

  /**
   * Delegates every call that no registration here admits to another server,
   * as the reference's `proxy_to`: `target` is a {@link Client} (or any
   * {@link Caller}) of that server, or a function that picks one by the
   * call's context (its caller's identity: a client per identity, say, or
   * undefined to refuse the call with ServiceNotFoundError). The other
   * server's result and errors pass on unchanged (RemoteError by its remote
   * class, ServiceNotFoundError as itself; its tracebacks only with
   * `sendTracebacks`); a delegated call counts against this server's
   * in-flight limits until it settles. The other server sees the
   * delegating client's identity, not the caller's; pick a client per
   * identity to carry it (see README). `proxyTo(undefined)` stops delegating.
   */
  proxyTo(target: Caller | ((context: CallContext) => Caller | undefined) | undefined): void {
    if (target === undefined) return this.peer.setFallback(undefined);
    const choose = typeof target === "function" ? target : () => target;
    this.peer.setFallback((work, context) => choose(context)?.call(work.method, work.args, work.kwargs));
  }

  /** The clients connected now (and authenticated, where the plugin requires it; not those declared lost for their silence), oldest first. */
  peers(): PeerInfo[] {
    return this.connections.peers();
  }

  override async close(): Promise<void> {
    this.connections.stop();
    this.events.close();
    await super.close();
    await this.security.close();
  }

  private routingIdOf(peer: Uint8Array | string): Buffer | undefined {
    if (typeof peer !== "string") return Buffer.from(peer);
    return this.guard ? this.guard.routingIdOf(peer) : Buffer.from(peer, "utf8");
  }
}
