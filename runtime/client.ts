import { randomBytes } from "node:crypto";
import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { Endpoint } from "./endpoint.js";
import { type EventHandler, EventSubscriber } from "./events/subscriber.js";
import { EVENT_METHOD } from "./protocol/events.js";
import { heartbeatPlugin } from "./heartbeat/create.js";
import type { HeartbeatOptions } from "./heartbeat/plugin.js";
import { consoleLogger } from "./logger.js";
import { type CallOptions, type PeerOptions, RpcPeer } from "./peer/rpc-peer.js";
import { ServerLink } from "./peer/server-link.js";
import { rateLimitedLogger } from "./rate-limited-logger.js";
import { type ClientSecurityLayer, clientSecurity } from "./security/client-security.js";
import type { ClientSecurity } from "./security/config.js";
import { PSEUD_CLIENT_MARK } from "./security/prompt.js";
import { routingIdText } from "./transport/router-socket.js";

/** Options of a {@link Client}; all optional. */
export interface ClientOptions extends PeerOptions {
  /** Encryption and authentication, by plugin name; it must match the server's. */
  readonly security?: ClientSecurity;
  /** Liveness: `{ plugin: "interval", intervalMs, maxMissed }` (the default: 1000 ms, 3), `{ plugin: "none" }`, or a plugin. */
  readonly heartbeat?: HeartbeatOptions;
}

/** The events a {@link Client} emits. */
export interface ClientEvents {
  /** The server is there (again): a connection's handshake succeeded, or the server spoke again after it was declared lost for its silence. */
  "server:connected": [];
  /**
   * The server went away: its connection closed (`"connection closed"`;
   * ZeroMQ reconnects by itself), or it stopped heartbeating (`"no
   * heartbeat"`: the connection may still be open, and the server may come
   * back on it). Pending calls failed with PeerLostError.
   */
  "server:lost": [reason: string];
  /** The server dropped `count` events for this client (its queue for it was full while it was away or slow). */
  "events:missed": [count: number];
}

/**
 * A pseud client: a ROUTER socket that connects to a server and addresses
 * every call to the server's name. It may register methods the server calls.
 *
 * ```ts
 * const client = new Client("service");
 * client.connect("tcp://127.0.0.1:5555");
 * await client.call("hello", ["Charly"]); // "Hello Charly"
 * await client.remote.string.lower("ABC"); // "abc"
 * ```
 *
 * A call made before the server is up waits for it, within the call's timeout.
 */
export class Client extends Endpoint<ClientEvents> implements Caller {
  protected readonly peer: RpcPeer;
  private readonly security: ClientSecurityLayer;
  private readonly link: ServerLink;
  private readonly events: EventSubscriber;
  private readonly serverId: Buffer;
  /** Where connect() was pointed, for error messages. */
  private readonly endpoints: string[] = [];
  /** Dynamic calls by property access, untyped: `client.remote.string.lower("ABC")`. */
  readonly remote: RemoteProxy;

  constructor(
    readonly serverName: string,
    options: ClientOptions = {},
  ) {
    super();
    if (typeof serverName !== "string" || serverName === "") throw new TypeError("a client needs the server's name");
    const serverId = Buffer.from(serverName, "utf8");
    this.serverId = serverId;
    const logger = rateLimitedLogger(options.logger ?? consoleLogger(), options.logRateLimit);
    // An unguessable routing id: no other peer can claim it to take this client's place. Its mark tells a
    // pseud server that this client answers a prompt to authenticate.
    const routingId = `${PSEUD_CLIENT_MARK}${randomBytes(16).toString("base64url")}`;
    this.security = clientSecurity(options.security, routingId, logger);
    const describePeer = (id: Buffer) =>
      id.equals(serverId) ? `server ${JSON.stringify(serverName)} at ${this.endpoints.join(", ") || "(no endpoint: call connect first)"}` : routingIdText(id);
    this.peer = new RpcPeer(
      { probeRouter: true, immediate: true, routingId, logger, describePeer, ...this.security.socket },
      { ...options, logger },
      {
        onPeerSeen: (id, heartbeat) => {
          this.link.seen(id, heartbeat);
          return this.link.serial;
        },
        onEmptyMessage: () => {},
        onDisconnect: () => {}, // a client's socket does not notify: the monitor's "disconnect" tells it
        connectionOf: () => this.link.serial,
      },
    );
    this.security.attach(this.peer);
    this.link = new ServerLink(
      {
        serverId,
        serverName,
        failCalls: (error) => this.peer.failAllCalls(error),
        heartbeat: (id) => this.peer.heartbeat(id),
        events: {
          connected: () => {
            this.events.connected();
            this.emit("server:connected");
          },
          lost: (reason) => this.emit("server:lost", reason),
        },
      },
      heartbeatPlugin(options.heartbeat),
    );
    this.events = new EventSubscriber({
      call: (method, args) => this.call(method, args),
      isConnected: () => this.link.live,
      missed: (count) => this.emit("events:missed", count),
      logger,
    });
    this.register(EVENT_METHOD, (name: unknown, payload: unknown, seq: unknown, stream: unknown) => {
      if (typeof name !== "string" || !Number.isSafeInteger(seq) || (seq as number) < 1 || typeof stream !== "string") {
        throw new TypeError("pseud.event takes (name: str, payload, seq: int ≥ 1, stream: str)");
      }
      return this.events.deliver(name, payload, seq as number, stream);
    });
    this.peer.socket.onEvent("handshake", () => this.link.opened());
    this.peer.socket.onEvent("disconnect", () => this.link.closed());
    this.remote = remoteProxy(this);
  }

  /** Connects to a server's endpoint; ZeroMQ reconnects by itself when the connection drops. */
  connect(endpoint: string): void {
    this.peer.connect(endpoint);
    this.endpoints.push(endpoint);
  }

  /**
   * Calls a method of the server. Settles exactly once: the result, a remote
   * error (RemoteError, ServiceNotFoundError…), or TimeoutError, AbortedError,
   * EncodeError, UnauthorizedError, HandshakeError, ClosedError.
   */
  call(method: string, args: readonly unknown[] = [], kwargs: Readonly<Record<string, unknown>> = {}, options: CallOptions = {}): Promise<unknown> {
    const failure = this.security.failure;
    if (failure) return Promise.reject(failure);
    return this.peer.call(this.serverId, method, args, kwargs, options, true);
  }

  /**
   * Runs `handler` for each event `name` the server publishes; returns what
   * stops it. Subscriptions are sent again each time the server comes back,
   * and it sends what it kept meanwhile, in order; a repeat is dropped, and
   * events it had to drop are counted in `events:missed`.
   */
  subscribe(name: string, handler: EventHandler): () => void {
    return this.events.subscribe(name, handler);
  }

  override async close(): Promise<void> {
    this.link.stop();
    await super.close();
  }
}
