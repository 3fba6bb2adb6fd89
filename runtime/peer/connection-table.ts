import { PeerLostError } from "../errors.js";
import type { HeartbeatPlugin } from "../heartbeat/plugin.js";
import type { Logger } from "../logger.js";
import { RoutingIdMap } from "../transport/routing-id-map.js";

/** A client connected to a server. */
export interface PeerInfo {
  /** Its routing id as the server's socket sees it. */
  readonly routingId: Buffer;
  /** Who it authenticated as; undefined until it has (or without authentication). */
  readonly identity: string | undefined;
  readonly connectedAt: Date;
  readonly lastSeenAt: Date;
}

/** What the table announces: a server turns these into its `peer:*` events. */
export interface ConnectionEvents {
  connected(peer: PeerInfo): void;
  authenticated(peer: PeerInfo): void;
  lost(peer: PeerInfo, reason: string): void;
}

/** What the table needs of the server it keeps connections for. */
export interface ConnectionTableHost {
  /** Whether a connection is no one until it authenticates (untrusted_curve): then it is announced once it has. */
  readonly mustAuthenticate: boolean;
  /** The identity bound to a connection, if any. */
  identityOf(routingId: Buffer): string | undefined;
  /** A connection opened (the guard prompts it) or closed (the guard forgets it). */
  opened(routingId: Buffer): void;
  closed(routingId: Buffer): void;
  /** Fails the calls pending on a connection. */
  failCalls(routingId: Buffer, error: () => Error): void;
  /** Sends a HEARTBEAT to a connection. */
  heartbeat(routingId: Buffer): void;
  readonly events: ConnectionEvents;
  readonly logger: Logger;
}

/**
 * One open connection, from its connect notice to its disconnect notice (see
 * RouterSocket): the table holds exactly the connections that are open, so
 * it never outgrows them, whatever peers send.
 */
interface Connection {
  readonly routingId: Buffer;
  /** This connection's serial: a routing id may name another connection later, and a reply must not follow it there. */
  readonly serial: number;
  readonly connectedAt: number;
  lastSeenAt: number;
  /** Listed in peers() and announced: a peer that must authenticate is admitted once it has. */
  admitted: boolean;
  /** Declared lost for its silence while its connection stays open; any message brings it back. */
  silent: boolean;
}

/**
 * A server's liveness in one place: the table of open connections, what
 * each notice and message does to it, and the heartbeat plugin that watches
 * them. The socket's notices come in through `empty` (a connect notice, or a
 * peer's own empty message) and `disconnected` (the unforgeable disconnect
 * notice); every decoded message through `seen`; the guard's verdicts
 * through `authenticated`; the heartbeat plugin's through its `lost`.
 */
export class ConnectionTable {
  private readonly open = new RoutingIdMap<Connection>((connection) => connection.routingId);
  private serials = 0;

  constructor(
    private readonly host: ConnectionTableHost,
    private readonly heartbeat: HeartbeatPlugin | undefined,
  ) {
    heartbeat?.start({
      send: (id) => host.heartbeat(id),
      lost: (id) => this.silent(id),
    });
  }

  /** The serial of the connection a routing id names now; undefined when none is open. */
  serialOf(routingId: Buffer): number | undefined {
    return this.open.get(routingId)?.serial;
  }

  /** Whether the connection was declared lost for its silence and has not spoken since. */
  isSilent(routingId: Buffer): boolean {
    return this.open.get(routingId)?.silent === true;
  }

  /** The admitted connections that are not silent, oldest first. */
  peers(): PeerInfo[] {
    return [...this.open.values()].filter((c) => c.admitted && !c.silent).map((c) => this.info(c));
  }

  /** How log lines and errors name a client: its identity, or its routing id in hex. */
  nameOf(routingId: Buffer): string {
    return this.host.identityOf(routingId) ?? `0x${routingId.toString("hex")}`;
  }

  /** A message from the connection decoded: it is alive. Returns the connection's serial. */
  seen(routingId: Buffer, heartbeat: boolean): number {
    // Every connection's first message is its connect notice; a message from an unknown routing id is defensive.
    const connection = this.open.get(routingId) ?? this.connected(routingId);
    // A peer that has not authenticated where it must is no one yet: its heartbeats are ignored.
    if (!connection.admitted) return connection.serial;
    if (connection.silent) this.back(connection);
    connection.lastSeenAt = Date.now();
    this.heartbeat?.alive(routingId, heartbeat);
    return connection.serial;
  }

  /**
   * `[routing id, '']`: the connect notice of a new connection when the
   * routing id names none; otherwise the peer's own empty message (its probe,
   * or anything it likes), which changes nothing. Disconnects have a notice
   * of their own, which no peer can send.
   */
  empty(routingId: Buffer): void {
    if (!this.open.has(routingId)) this.connected(routingId);
  }

  /** The connection closed: forget it, its identity and its calls. */
  disconnected(routingId: Buffer): void {
    const connection = this.open.get(routingId);
    if (connection === undefined) return; // every connection's connect notice comes first: not expected, nothing to forget
    const info = this.info(connection);
    this.open.delete(routingId);
    this.host.closed(connection.routingId);
    this.heartbeat?.forget(connection.routingId);
    this.host.failCalls(connection.routingId, () => new PeerLostError(`client ${this.nameOf(connection.routingId)} is gone (disconnected)`));
    this.host.logger.debug("connection closed", { peer: connection.routingId, announced: connection.admitted, silent: connection.silent });
    if (connection.admitted && !connection.silent) this.host.events.lost(info, "disconnected");
  }

  /** The guard bound an identity to the connection. */
  authenticated(routingId: Buffer): void {
    const connection = this.open.get(routingId);
    if (connection === undefined) return;
    if (!connection.admitted) {
      connection.admitted = true;
      connection.lastSeenAt = Date.now();
      this.host.events.connected(this.info(connection));
    }
    this.host.events.authenticated(this.info(connection));
  }

  /** Stops the heartbeat plugin. */
  stop(): void {
    this.heartbeat?.stop();
  }

  private connected(routingId: Buffer): Connection {
    const now = Date.now();
    const admitted = !this.host.mustAuthenticate;
    const connection: Connection = { routingId: Buffer.from(routingId), serial: ++this.serials, connectedAt: now, lastSeenAt: now, admitted, silent: false };
    this.open.set(connection);
    if (admitted) this.host.events.connected(this.info(connection));
    this.host.opened(connection.routingId);
    return connection;
  }

  /**
   * The heartbeat plugin found the peer silent. Its connection is still open,
   * so its identity binding stays: the binding is to the connection (no other
   * connection can take its routing id while it is open), and a pause is not
   * a new peer. Calls pending on it fail; it is announced lost.
   */
  private silent(routingId: Buffer): void {
    const connection = this.open.get(routingId);
    if (connection === undefined || connection.silent) return;
    connection.silent = true;
    this.host.failCalls(connection.routingId, () => new PeerLostError(`client ${this.nameOf(connection.routingId)} is gone (no heartbeat)`));
    if (connection.admitted) this.host.events.lost(this.info(connection), "no heartbeat");
  }

  /** A peer declared lost spoke again on the same connection: announce it again, with the identity it still has. */
  private back(connection: Connection): void {
    connection.silent = false;
    connection.lastSeenAt = Date.now();
    this.host.events.connected(this.info(connection));
    if (this.host.identityOf(connection.routingId) !== undefined) this.host.events.authenticated(this.info(connection));
  }

  private info(connection: Connection): PeerInfo {
    return {
      routingId: connection.routingId,
      identity: this.host.identityOf(connection.routingId),
      connectedAt: new Date(connection.connectedAt),
      lastSeenAt: new Date(connection.lastSeenAt),
    };
  }
}
