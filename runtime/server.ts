import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { consoleLogger } from "./logger.js";
import { Endpoint } from "./endpoint.js";
import { type CallOptions, type PeerOptions, RpcPeer } from "./peer/rpc-peer.js";

/** Options of a {@link Server}; all optional. */
export interface ServerOptions extends PeerOptions {}

/** A client that has spoken to this server. */
export interface PeerInfo {
  /** Its routing id as this server's socket sees it: what `sendTo` takes. */
  readonly routingId: Buffer;
  readonly connectedAt: Date;
  readonly lastSeenAt: Date;
}

/** The events a {@link Server} emits. */
export interface ServerEvents {
  /** A client spoke for the first time (its probe, or its first message). */
  "peer:connected": [peer: PeerInfo];
}

/** A server's handle on one connected client: call the methods that client registered. */
export interface PeerCaller extends Caller {
  readonly routingId: Buffer;
  /** Dynamic calls by property access: `server.sendTo(id).remote.draw.me.a.sheep()`. */
  readonly remote: RemoteProxy;
}

interface PeerState {
  readonly routingId: Buffer;
  readonly connectedAt: number;
  lastSeenAt: number;
}

/**
 * A pseud server: a ROUTER socket whose routing id is `name`, which clients
 * address. It serves the methods registered on it and can call methods that
 * connected clients registered.
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

  constructor(
    readonly name: string,
    options: ServerOptions = {},
  ) {
    super();
    if (typeof name !== "string" || name === "") throw new TypeError("a server needs a non-empty name");
    const logger = options.logger ?? consoleLogger();
    this.peer = new RpcPeer({ routingId: name, logger }, { ...options, logger }, { onPeerSeen: (id) => this.seen(id) });
  }

  /** Binds, and returns the actual endpoint (`tcp://127.0.0.1:*` → its port). May be called for several endpoints. */
  bind(endpoint: string): Promise<string> {
    return this.peer.bind(endpoint);
  }

  /**
   * A handle to call the methods of one connected client. `peer` is its
   * routing id (from {@link peers}, a `peer:connected` event or a handler's
   * context). A call to a client that is not connected fails at once with
   * UnreachableError.
   */
  sendTo(peer: Uint8Array | string): PeerCaller {
    const routingId = typeof peer === "string" ? Buffer.from(peer, "utf8") : Buffer.from(peer);
    const call = (method: string, args: readonly unknown[] = [], kwargs: Readonly<Record<string, unknown>> = {}, options: CallOptions = {}) =>
      this.peer.call(routingId, method, args, kwargs, options, false);
    const caller: Caller = { call };
    return { routingId, call, remote: remoteProxy(caller) };
  }

  /** The clients that have spoken to this server, oldest first. */
  peers(): PeerInfo[] {
    return [...this.known.values()].map(toPeerInfo);
  }

  private seen(routingId: Buffer): void {
    const key = routingId.toString("latin1");
    const now = Date.now();
    const state = this.known.get(key);
    if (state !== undefined) {
      state.lastSeenAt = now;
      return;
    }
    const fresh = { routingId: Buffer.from(routingId), connectedAt: now, lastSeenAt: now };
    this.known.set(key, fresh);
    this.emit("peer:connected", toPeerInfo(fresh));
  }
}

function toPeerInfo(state: PeerState): PeerInfo {
  return { routingId: state.routingId, connectedAt: new Date(state.connectedAt), lastSeenAt: new Date(state.lastSeenAt) };
}
