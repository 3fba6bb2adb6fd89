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

/** Options of a {@link Client}; all optional. */
export interface ClientOptions extends PeerOptions {
  /** Encryption and authentication, by plugin name; it must match the server's. */
  readonly security?: ClientSecurity;
  /** Liveness: `{ plugin: "interval", intervalMs, maxMissed }` (the default: 1000 ms, 3), `{ plugin: "none" }`, or a plugin. */
  readonly heartbeat?: HeartbeatOptions;
}

/** The events a {@link Client} emits. */
export interface ClientEvents {
  /** The connection to the server is up (again): its handshake succeeded. Calls pending from before were failed. */
  "server:connected": [];
  /** The server went away (its connection closed, or it stopped heartbeating); pending calls failed with PeerLostError. ZeroMQ reconnects by itself. */
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
  private serverUp = false;
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
    this.peer = new RpcPeer(
      { probeRouter: true, routingId, logger, ...(plugin ? { mechanism: plugin.mechanism } : {}) },
      { ...options, logger },
      { onPeerSeen: (id, heartbeat) => this.heartbeat?.alive(id, heartbeat), onEmptyMessage: () => {} },
    );
    this.peer.setGuard(new ClientGuard(plugin, routingId, this.peer, logger));
    this.remote = remoteProxy(this);
    this.peer.socket.onEvent("handshake", () => {
      this.handshakeFailure = undefined;
      if (!this.serverUp) {
        this.serverUp = true;
        this.heartbeat?.watch(this.serverId);
        this.emit("server:connected");
      }
    });
    this.peer.socket.onEvent("disconnect", () => this.serverLost("connection closed"));
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

  /** The server is gone: its calls cannot be answered. ZeroMQ keeps reconnecting; the server prompts this client to authenticate again. */
  private serverLost(reason: string): void {
    if (!this.serverUp) return;
    this.serverUp = false;
    this.heartbeat?.forget(this.serverId);
    this.peer.failAllCalls(() => new PeerLostError(`the server ${this.serverName} is gone (${reason})`));
    this.emit("server:lost", reason);
  }

  private handshakeFailed(error: Error): void {
    this.handshakeFailure = error;
    this.peer.failAllCalls(() => error);
  }
}
