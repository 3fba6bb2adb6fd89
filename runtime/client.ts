import { type Caller, type RemoteProxy, remoteProxy } from "./caller.js";
import { Endpoint } from "./endpoint.js";
import { consoleLogger } from "./logger.js";
import { type CallOptions, type PeerOptions, RpcPeer } from "./peer/rpc-peer.js";

/** Options of a {@link Client}; all optional. */
export interface ClientOptions extends PeerOptions {}

/** The events a {@link Client} emits (heartbeats will add server loss). */
export interface ClientEvents {}

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
  /** Dynamic calls by property access, untyped: `client.remote.string.lower("ABC")`. */
  readonly remote: RemoteProxy;

  constructor(
    readonly serverName: string,
    options: ClientOptions = {},
  ) {
    super();
    if (typeof serverName !== "string" || serverName === "") throw new TypeError("a client needs the server's name");
    this.serverId = Buffer.from(serverName, "utf8");
    const logger = options.logger ?? consoleLogger();
    // No routing id of our own (the reference forbids one): libzmq gives each
    // connection an id starting with a zero byte, which no peer can claim.
    this.peer = new RpcPeer({ probeRouter: true, logger }, { ...options, logger }, { onPeerSeen: () => {} });
    this.remote = remoteProxy(this);
  }

  /** Connects to a server's endpoint; ZeroMQ reconnects by itself when the connection drops. */
  connect(endpoint: string): void {
    this.peer.connect(endpoint);
  }

  /**
   * Calls a method of the server. Settles exactly once: the result, a remote
   * error (RemoteError, ServiceNotFoundError…), or TimeoutError, AbortedError,
   * EncodeError, ClosedError.
   */
  call(
    method: string,
    args: readonly unknown[] = [],
    kwargs: Readonly<Record<string, unknown>> = {},
    options: CallOptions = {},
  ): Promise<unknown> {
    return this.peer.call(this.serverId, method, args, kwargs, options, true);
  }
}
