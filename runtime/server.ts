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
  /** A client disconnected or stopped heartbeating; the calls pending on it failed with PeerLostError. */
  "peer:lost": [peer: PeerInfo, reason: string];
}

/** A server's handle on one connected client: call the methods that client registered. */
export interface PeerCaller extends Caller {
  /** Dynamic calls by property access: `server.sendTo(id).remote.draw.me.a.sheep()`. */
  readonly remote: RemoteProxy;
}

interface PeerState {
  readonly routingId: Buffer;
  readonly connectedAt: number;
  lastSeenAt: number;
  /** Empty messages seen: ROUTER_NOTIFY's connect, then maybe the peer's probe. */
  empties: number;
  sawData: boolean;
  /** Listed in peers() and announced: a peer that must authenticate is admitted once it has. */
  admitted: boolean;
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
      { onPeerSeen: (id, heartbeat) => this.seen(id, heartbeat), onEmptyMessage: (id) => this.empty(id) },
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
        if (state) this.lost(state, "no heartbeat");
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
   * A call to a client that is not connected fails at once with
   * UnreachableError.
   */
  sendTo(peer: Uint8Array | string): PeerCaller {
    const call = (method: string, args: readonly unknown[] = [], kwargs: Readonly<Record<string, unknown>> = {}, options: CallOptions = {}) => {
      const routingId = this.routingIdOf(peer);
      if (routingId === undefined) return Promise.reject(new UnreachableError(`no connected client is authenticated as ${JSON.stringify(peer)}`));
      return this.peer.call(routingId, method, args, kwargs, options, false);
    };
    return { call, remote: remoteProxy({ call }) };
  }

  /** The clients connected now (and authenticated, where the plugin requires it), oldest first. */
  peers(): PeerInfo[] {
    return [...this.known.values()].filter((state) => state.admitted).map((state) => this.info(state));
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
    const state = this.known.get(routingId.toString("latin1")) ?? this.connected(routingId);
    state.sawData = true;
    // A peer that has not authenticated where it must is no one yet: its heartbeats are ignored.
    if (!state.admitted) return;
    state.lastSeenAt = Date.now();
    this.heartbeat?.alive(routingId, heartbeat);
  }

  /**
   * `[routing id, '']`: ROUTER_NOTIFY's connect, the peer's probe right
   * after it, or ROUTER_NOTIFY's disconnect. A peer probes before it sends
   * anything else, so a second empty message before any data is its probe.
   */
  private empty(routingId: Buffer): void {
    const state = this.known.get(routingId.toString("latin1"));
    if (state === undefined) {
      this.connected(routingId);
      return;
    }
    if (!state.sawData && state.empties === 1) {
      state.empties++;
      return;
    }
    this.lost(state, "disconnected");
  }

  private connected(routingId: Buffer): PeerState {
    const now = Date.now();
    const admitted = this.plugin?.binding !== "everyone";
    const state: PeerState = { routingId: Buffer.from(routingId), connectedAt: now, lastSeenAt: now, empties: 1, sawData: false, admitted };
    this.known.set(routingId.toString("latin1"), state);
    if (admitted) this.emit("peer:connected", this.info(state));
    this.guard?.connected(state.routingId);
    return state;
  }

  private lost(state: PeerState, reason: string): void {
    const info = this.info(state);
    this.known.delete(state.routingId.toString("latin1"));
    this.guard?.disconnected(state.routingId);
    this.heartbeat?.forget(state.routingId);
    const who = info.identity ?? `0x${state.routingId.toString("hex")}`;
    this.peer.failCallsTo(state.routingId, () => new PeerLostError(`client ${who} is gone (${reason})`));
    if (state.admitted) this.emit("peer:lost", info, reason);
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

  private info(state: PeerState): PeerInfo {
    return {
      routingId: state.routingId,
      identity: this.guard?.identities.identityOf(state.routingId),
      connectedAt: new Date(state.connectedAt),
      lastSeenAt: new Date(state.lastSeenAt),
    };
  }
}
