import { randomBytes } from "node:crypto";
import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { Endpoint } from "./endpoint.js";
import { HandshakeError, PeerLostError, UnauthorizedError } from "./errors.js";
import { heartbeatPlugin } from "./heartbeat/create.js";
import type { HeartbeatOptions, HeartbeatPlugin } from "./heartbeat/plugin.js";
import { consoleLogger } from "./logger.js";
import { type CallOptions, type PeerOptions, RpcPeer } from "./peer/rpc-peer.js";
import { rateLimitedLogger } from "./rate-limited-logger.js";
import { ClientGuard } from "./security/client-guard.js";
import { type ClientSecurity, clientPlugin } from "./security/config.js";
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
  private readonly serverId: Buffer;
  /** Why the last security handshake failed; new calls fail with it until one succeeds. */
  private handshakeFailure: Error | undefined;
  private readonly heartbeat: HeartbeatPlugin | undefined;
  /** A connection to the server is open: its handshake succeeded and it has not closed since. */
  private transportUp = false;
  /** The connection is open and the server has not been declared lost for its silence since it last spoke. */
  private serverUp = false;
  /** Where connect() was pointed, for error messages. */
  private readonly endpoints: string[] = [];
  /** The serial of the connection to the server, one more for each that closed: a reply to the server's call must not go to a later one. */
  private connection = 0;
  /** Dynamic calls by property access, untyped: `client.remote.string.lower("ABC")`. */
  readonly remote: RemoteProxy;

  constructor(
    readonly serverName: string,
    options: ClientOptions = {},
  ) {
    super();
    if (typeof serverName !== "string" || serverName === "") throw new TypeError("a client needs the server's name");
    this.serverId = Buffer.from(serverName, "utf8");
    const logger = rateLimitedLogger(options.logger ?? consoleLogger(), options.logRateLimit);
    const plugin = clientPlugin(options.security);
    // An unguessable routing id: no other peer can claim it to take this client's place. Its mark tells a
    // pseud server that this client answers a prompt to authenticate.
    const routingId = `${PSEUD_CLIENT_MARK}${randomBytes(16).toString("base64url")}`;
    const describePeer = (id: Buffer) =>
      id.equals(this.serverId) ? `server ${JSON.stringify(serverName)} at ${this.endpoints.join(", ") || "(no endpoint: call connect first)"}` : routingIdText(id);
    this.peer = new RpcPeer(
      { probeRouter: true, routingId, logger, describePeer, ...(plugin ? { mechanism: plugin.mechanism } : {}) },
      { ...options, logger },
      {
        onPeerSeen: (id, heartbeat) => this.seen(id, heartbeat),
        onEmptyMessage: () => {},
        onDisconnect: () => {}, // a client's socket does not notify: the monitor's "disconnect" tells it
        connectionOf: () => this.connection,
      },
    );
    const guard = new ClientGuard(plugin, routingId, this.peer, logger);
    this.peer.setGuard(guard);
    this.remote = remoteProxy(this);
    this.peer.socket.onEvent("handshake", () => {
      this.handshakeFailure = undefined;
      this.transportUp = true;
      this.serverBack();
    });
    this.peer.socket.onEvent("disconnect", () => {
      guard.reset();
      this.transportUp = false;
      this.connection++;
      this.heartbeat?.forget(this.serverId);
      this.serverLost("connection closed");
    });
    this.heartbeat = heartbeatPlugin(options.heartbeat);
    this.heartbeat?.start({ send: (id) => this.peer.heartbeat(id), lost: () => this.serverLost("no heartbeat") });
    this.peer.socket.onEvent("handshake:error:auth", (event) =>
      this.handshakeFailed(new UnauthorizedError(`the server refused this client's credentials (ZAP status ${event.error.status ?? "?"})`)),
    );
    for (const type of ["handshake:error:protocol", "handshake:error:other"] as const) {
      this.peer.socket.onEvent(type, (event) =>
        this.handshakeFailed(new HandshakeError(`the security handshake with the server failed (${event.error.code}): are the server's public key and plugin right?`)),
      );
    }
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
    if (this.handshakeFailure) return Promise.reject(this.handshakeFailure);
    return this.peer.call(this.serverId, method, args, kwargs, options, true);
  }

  override async close(): Promise<void> {
    this.heartbeat?.stop();
    await super.close();
  }

  private seen(routingId: Buffer, heartbeat: boolean): void {
    this.heartbeat?.alive(routingId, heartbeat);
    // Declared lost for its silence, the server speaks again on the same connection: it is back.
    if (this.transportUp) this.serverBack();
  }

  private serverBack(): void {
    if (this.serverUp) return;
    this.serverUp = true;
    this.heartbeat?.watch(this.serverId);
    this.emit("server:connected");
  }

  /**
   * The server is gone: its calls cannot be answered. After a closed
   * connection ZeroMQ reconnects, and the server prompts this client to
   * authenticate again; after silence on an open connection, the server keeps
   * this client's identity, and its next message brings it back.
   */
  private serverLost(reason: string): void {
    const wasUp = this.serverUp;
    this.serverUp = false;
    // Even when already declared lost: calls made since then cannot be answered on a closed connection.
    this.peer.failAllCalls(() => new PeerLostError(`the server ${this.serverName} is gone (${reason})`));
    if (wasUp) this.emit("server:lost", reason);
  }

  private handshakeFailed(error: Error): void {
    this.handshakeFailure = error;
    this.peer.failAllCalls(() => error);
  }
}
