import { Context } from "zeromq";
import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { Endpoint } from "./endpoint.js";
import { PeerLostError, UnreachableError } from "./errors.js";
import { heartbeatPlugin } from "./heartbeat/create.js";
import type { HeartbeatOptions, HeartbeatPlugin } from "./heartbeat/plugin.js";
import { consoleLogger, type Logger } from "./logger.js";
import { type CallOptions, type PeerOptions, RpcPeer } from "./peer/rpc-peer.js";
import { rateLimitedLogger } from "./rate-limited-logger.js";
import { type ServerSecurity, serverPlugin } from "./security/config.js";
import type { ServerPlugin } from "./security/plugin.js";
import { ServerGuard } from "./security/server-guard.js";
import { ZapHandler } from "./security/zap-handler.js";

/** Options of a {@link Server}; all optional. */
export interface ServerOptions extends PeerOptions {
  /** Encryption and authentication, by plugin name; none by default. */
  readonly security?: ServerSecurity;
  /** Liveness: `{ plugin: "interval", intervalMs, maxMissed }` (the default: 1000 ms, 3), `{ plugin: "none" }`, or a plugin. */
  readonly heartbeat?: HeartbeatOptions;
}

/** A client connected to this server. */
export interface PeerInfo {
  /** Its routing id as this server's socket sees it. */
  readonly routingId: Buffer;
  /** Who it authenticated as; undefined until it has (or without authentication). */
  readonly identity: string | undefined;
  readonly connectedAt: Date;
  readonly lastSeenAt: Date;
}

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
 * One open connection, from its connect notice to its disconnect notice (see
 * RouterSocket): the table holds exactly the connections that are open, so
 * it never outgrows them, whatever peers send.
 */
interface PeerState {
  readonly routingId: Buffer;
  /** This connection's serial: a routing id may name another connection later, and a reply must not follow it there. */
  readonly connection: number;
  readonly connectedAt: number;
  lastSeenAt: number;
  /** Listed in peers() and announced: a peer that must authenticate is admitted once it has. */
  admitted: boolean;
  /** Declared lost for its silence while its connection stays open; any message brings it back. */
  silent: boolean;
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
  private readonly known = new Map<string, PeerState>();
  private connections = 0;
  private readonly plugin: ServerPlugin | undefined;
  private readonly guard: ServerGuard | undefined;
  private readonly context: Context | undefined;
  private readonly logger: Logger;
  private readonly heartbeat: HeartbeatPlugin | undefined;
  private zap: Promise<ZapHandler> | undefined;

  constructor(
    readonly name: string,
    options: ServerOptions = {},
  ) {
    super();
    if (typeof name !== "string" || name === "") throw new TypeError("a server needs a non-empty name");
    this.logger = rateLimitedLogger(options.logger ?? consoleLogger(), options.logRateLimit);
    this.plugin = serverPlugin(options.security);
    // A ZAP handler serves one context: a secured server gets a context of its own.
    this.context = this.plugin ? new Context() : undefined;
    this.peer = new RpcPeer(
      { routingId: name, notify: true, logger: this.logger, ...(this.context ? { context: this.context } : {}), ...(this.plugin ? { mechanism: this.plugin.mechanism } : {}) },
      { ...options, logger: this.logger },
      {
        onPeerSeen: (id, heartbeat) => this.seen(id, heartbeat),
        onEmptyMessage: (id) => this.empty(id),
        onDisconnect: (id) => this.disconnected(id),
        connectionOf: (id) => this.known.get(id.toString("latin1"))?.connection,
      },
    );
    if (this.plugin) {
      this.guard = new ServerGuard(this.plugin, this.peer, this.logger, (id) => this.authenticated(id));
      this.peer.setGuard(this.guard);
    }
    for (const type of ["handshake:error:auth", "handshake:error:protocol", "handshake:error:other"] as const) {
      this.peer.socket.onEvent(type, (event) => this.logger.warn("client handshake failed", { event: type, address: event.address, error: event.error }));
    }
    this.heartbeat = heartbeatPlugin(options.heartbeat);
    this.heartbeat?.start({
      send: (id) => this.peer.heartbeat(id),
      lost: (id) => {
        const state = this.known.get(id.toString("latin1"));
        if (state) this.silent(state);
      },
    });
  }

  /** Binds, and returns the actual endpoint (`tcp://127.0.0.1:*` → its port). May be called for several endpoints. */
  async bind(endpoint: string): Promise<string> {
    if (this.plugin && this.context) {
      this.zap ??= ZapHandler.start(this.context, this.plugin.zap, this.logger);
      await this.zap;
    }
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
      if (this.known.get(routingId.toString("latin1"))?.silent) {
        return Promise.reject(new UnreachableError(`client ${this.nameOf(routingId)} is not responding: it stopped heartbeating`));
      }
      return this.peer.call(routingId, method, args, kwargs, options, false);
    };
    return { call, remote: remoteProxy({ call }) };
  }

  /** The clients connected now (and authenticated, where the plugin requires it; not those declared lost for their silence), oldest first. */
  peers(): PeerInfo[] {
    return [...this.known.values()].filter((state) => state.admitted && !state.silent).map((state) => this.info(state));
  }

  override async close(): Promise<void> {
    this.heartbeat?.stop();
    await super.close();
    this.plugin?.close();
    (await this.zap)?.close();
  }

  private routingIdOf(peer: Uint8Array | string): Buffer | undefined {
    if (typeof peer !== "string") return Buffer.from(peer);
    return this.guard ? this.guard.routingIdOf(peer) : Buffer.from(peer, "utf8");
  }

  private seen(routingId: Buffer, heartbeat: boolean): void {
    // Every connection's first message is its connect notice; a message from an unknown routing id is defensive.
    const state = this.known.get(routingId.toString("latin1")) ?? this.connected(routingId);
    // A peer that has not authenticated where it must is no one yet: its heartbeats are ignored.
    if (!state.admitted) return;
    if (state.silent) this.back(state);
    state.lastSeenAt = Date.now();
    this.heartbeat?.alive(routingId, heartbeat);
  }

  /**
   * `[routing id, '']`: the connect notice of a new connection when the
   * routing id names none; otherwise the peer's own empty message (its probe,
   * or anything it likes), which changes nothing. Disconnects have a notice
   * of their own, which no peer can send.
   */
  private empty(routingId: Buffer): void {
    if (!this.known.has(routingId.toString("latin1"))) this.connected(routingId);
  }

  private connected(routingId: Buffer): PeerState {
    const now = Date.now();
    const admitted = this.plugin?.binding !== "everyone";
    const state: PeerState = { routingId: Buffer.from(routingId), connection: ++this.connections, connectedAt: now, lastSeenAt: now, admitted, silent: false };
    this.known.set(routingId.toString("latin1"), state);
    if (admitted) this.emit("peer:connected", this.info(state));
    this.guard?.connected(state.routingId);
    return state;
  }

  /** The connection closed: forget it, its identity and its calls. */
  private disconnected(routingId: Buffer): void {
    const state = this.known.get(routingId.toString("latin1"));
    if (state === undefined) return; // every connection's connect notice comes first: not expected, nothing to forget
    const info = this.info(state);
    this.known.delete(routingId.toString("latin1"));
    this.guard?.disconnected(state.routingId);
    this.heartbeat?.forget(state.routingId);
    this.peer.failCallsTo(state.routingId, () => new PeerLostError(`client ${this.nameOf(state.routingId)} is gone (disconnected)`));
    this.logger.debug("connection closed", { peer: state.routingId, announced: state.admitted, silent: state.silent });
    if (state.admitted && !state.silent) this.emit("peer:lost", info, "disconnected");
  }

  /**
   * The heartbeat plugin found the peer silent. Its connection is still open,
   * so its identity binding stays: the binding is to the connection (no other
   * connection can take its routing id while it is open), and a pause is not
   * a new peer. Calls pending on it fail; it is announced lost.
   */
  private silent(state: PeerState): void {
    if (state.silent) return;
    state.silent = true;
    this.peer.failCallsTo(state.routingId, () => new PeerLostError(`client ${this.nameOf(state.routingId)} is gone (no heartbeat)`));
    if (state.admitted) this.emit("peer:lost", this.info(state), "no heartbeat");
  }

  /** A peer declared lost spoke again on the same connection: announce it again, with the identity it still has. */
  private back(state: PeerState): void {
    state.silent = false;
    state.lastSeenAt = Date.now();
    this.emit("peer:connected", this.info(state));
    if (this.guard?.identities.identityOf(state.routingId) !== undefined) this.emit("peer:authenticated", this.info(state));
  }

  private authenticated(routingId: Buffer): void {
    const state = this.known.get(routingId.toString("latin1"));
    if (state === undefined) return;
    if (!state.admitted) {
      state.admitted = true;
      state.lastSeenAt = Date.now();
      this.emit("peer:connected", this.info(state));
    }
    this.emit("peer:authenticated", this.info(state));
  }

  /** How log lines and errors name a client: its identity, or its routing id in hex. */
  private nameOf(routingId: Buffer): string {
    return this.guard?.identities.identityOf(routingId) ?? `0x${routingId.toString("hex")}`;
  }

  private info(state: PeerState): PeerInfo {
    return {
      routingId: state.routingId,
      identity: this.guard?.identities.identityOf(state.routingId),
      connectedAt: new Date(state.connectedAt),
      lastSeenAt: new Date(state.lastSeenAt),
    };
  }
}
