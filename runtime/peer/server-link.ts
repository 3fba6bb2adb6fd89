import { PeerLostError } from "../errors.js";
import type { HeartbeatPlugin } from "../heartbeat/plugin.js";

/** What the link announces: a client turns these into its `server:*` events. */
export interface ServerLinkEvents {
  connected(): void;
  lost(reason: string): void;
}

/** What the link needs of the client it keeps for. */
export interface ServerLinkHost {
  /** The server's routing id (its name). */
  readonly serverId: Buffer;
  /** The server's name, for errors. */
  readonly serverName: string;
  /** Fails every pending call. */
  failCalls(error: () => Error): void;
  /** Sends a HEARTBEAT to the server. */
  heartbeat(routingId: Buffer): void;
  readonly events: ServerLinkEvents;
}

/**
 * A client's liveness in one place, as {@link ConnectionTable} is a
 * server's: whether its connection to the server is open (the socket's
 * handshake and disconnect events come in through `opened` and `closed`),
 * whether the server still speaks on it (every decoded message through
 * `seen`, and the heartbeat plugin's verdict), and the serial of the
 * connection, so that a reply to the server's call never goes to a later one.
 */
export class ServerLink {
  /** A connection to the server is open: its handshake succeeded and it has not closed since. */
  private transportUp = false;
  /** The connection is open and the server has not been declared lost for its silence since it last spoke. */
  private serverUp = false;
  private connection = 0;

  constructor(
    private readonly host: ServerLinkHost,
    private readonly heartbeat: HeartbeatPlugin | undefined,
  ) {
    heartbeat?.start({ send: (id) => host.heartbeat(id), lost: () => this.lost("no heartbeat") });
  }

  /** Whether the server is there: its connection is open and it has not been declared lost for its silence. */
  get live(): boolean {
    return this.serverUp;
  }

  /** The serial of the connection to the server: one more for each that closed. */
  get serial(): number {
    return this.connection;
  }

  /** A connection's security handshake succeeded: the server is there. */
  opened(): void {
    this.transportUp = true;
    this.back();
  }

  /** The connection closed; ZeroMQ reconnects by itself. */
  closed(): void {
    this.transportUp = false;
    this.connection++;
    this.heartbeat?.forget(this.host.serverId);
    this.lost("connection closed");
  }

  /** A message came from the server (`heartbeat`: a HEARTBEAT). */
  seen(routingId: Buffer, heartbeat: boolean): void {
    this.heartbeat?.alive(routingId, heartbeat);
    // Declared lost for its silence, the server speaks again on the same connection: it is back.
    if (this.transportUp) this.back();
  }

  stop(): void {
    this.heartbeat?.stop();
  }

  private back(): void {
    if (this.serverUp) return;
    this.serverUp = true;
    this.heartbeat?.watch(this.host.serverId);
    this.host.events.connected();
  }

  /**
   * The server is gone: its calls cannot be answered. After a closed
   * connection ZeroMQ reconnects, and the server prompts this client to
   * authenticate again; after silence on an open connection, the server keeps
   * this client's identity, and its next message brings it back.
   */
  private lost(reason: string): void {
    const wasUp = this.serverUp;
    this.serverUp = false;
    // Even when already declared lost: calls made since then cannot be answered on a closed connection.
    this.host.failCalls(() => new PeerLostError(`the server ${this.host.serverName} is gone (${reason})`));
    if (wasUp) this.host.events.lost(reason);
  }
}
