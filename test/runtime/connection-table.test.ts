import { describe, expect, it } from "vitest";
import type { HeartbeatHost, HeartbeatPlugin } from "pseud";
import { ConnectionTable, type ConnectionTableHost } from "../../runtime/peer/connection-table.js";
import { RecordingLogger } from "../helpers.js";

/** A heartbeat plugin the test drives by hand: it declares a peer lost when told to, and records what it heard. */
class ManualHeartbeat implements HeartbeatPlugin {
  readonly name = "manual";
  host: HeartbeatHost | undefined;
  readonly seenAlive: Buffer[] = [];
  readonly forgotten: Buffer[] = [];
  start(host: HeartbeatHost): void {
    this.host = host;
  }
  alive(peer: Buffer): void {
    this.seenAlive.push(peer);
  }
  watch(): void {}
  forget(peer: Buffer): void {
    this.forgotten.push(peer);
  }
  stop(): void {}
}

function table(options: { mustAuthenticate?: boolean } = {}) {
  const log: string[] = [];
  const identities = new Map<string, string>();
  const heartbeat = new ManualHeartbeat();
  const host: ConnectionTableHost = {
    mustAuthenticate: options.mustAuthenticate ?? false,
    identityOf: (id) => identities.get(id.toString()),
    opened: (id) => log.push(`opened ${id}`),
    closed: (id) => log.push(`closed ${id}`),
    failCalls: (id, error) => log.push(`failCalls ${id}: ${error().message}`),
    heartbeat: (id) => log.push(`heartbeat ${id}`),
    events: {
      connected: (peer) => log.push(`connected ${peer.routingId} ${peer.identity ?? "-"}`),
      authenticated: (peer) => log.push(`authenticated ${peer.routingId} ${peer.identity ?? "-"}`),
      lost: (peer, reason) => log.push(`lost ${peer.routingId} ${reason}`),
    },
    logger: new RecordingLogger(),
  };
  return { connections: new ConnectionTable(host, heartbeat), log, identities, heartbeat };
}

const A = Buffer.from("a");

describe("ConnectionTable", () => {
  it("opens on the connect notice, takes the peer's own empty messages for nothing, and closes on the disconnect notice", () => {
    const { connections, log } = table();
    connections.empty(A);
    connections.empty(A); // a probe, or any empty message the peer likes
    connections.seen(A, false);
    expect(connections.peers().map((p) => p.routingId.toString())).toEqual(["a"]);
    connections.disconnected(A);
    connections.disconnected(A); // nothing left to forget
    expect(log).toEqual(["connected a -", "opened a", "closed a", "failCalls a: client 0x61 is gone (disconnected)", "lost a disconnected"]);
    expect(connections.peers()).toEqual([]);
  });

  it("gives each connection under one routing id its own serial", () => {
    const { connections } = table();
    connections.empty(A);
    const first = connections.serialOf(A);
    connections.disconnected(A);
    expect(connections.serialOf(A)).toBeUndefined();
    connections.empty(A);
    expect(connections.serialOf(A)).toBe((first as number) + 1);
  });

  it("announces a connection that must authenticate only once it has, and ignores its heartbeats until then", () => {
    const { connections, log, identities, heartbeat } = table({ mustAuthenticate: true });
    connections.empty(A);
    connections.seen(A, true);
    expect(heartbeat.seenAlive).toEqual([]);
    expect(connections.peers()).toEqual([]);
    identities.set("a", "alice");
    connections.authenticated(A);
    expect(log).toEqual(["opened a", "connected a alice", "authenticated a alice"]);
    expect(connections.peers().map((p) => p.identity)).toEqual(["alice"]);
  });

  it("a silent peer fails its calls and is announced lost, keeps its identity, and is announced again when it speaks", () => {
    const { connections, log, identities, heartbeat } = table();
    connections.empty(A);
    identities.set("a", "alice");
    connections.authenticated(A);
    heartbeat.host?.lost(A);
    heartbeat.host?.lost(A); // once is enough
    expect(connections.isSilent(A)).toBe(true);
    expect(connections.peers()).toEqual([]);
    connections.seen(A, true);
    expect(connections.isSilent(A)).toBe(false);
    expect(log.slice(3)).toEqual(["failCalls a: client alice is gone (no heartbeat)", "lost a no heartbeat", "connected a alice", "authenticated a alice"]);
    connections.disconnected(A);
    expect(heartbeat.forgotten).toEqual([A]);
  });

  it("a silent peer's disconnect is not announced twice", () => {
    const { connections, log, heartbeat } = table();
    connections.empty(A);
    heartbeat.host?.lost(A);
    connections.disconnected(A);
    expect(log.filter((line) => line.startsWith("lost"))).toEqual(["lost a no heartbeat"]);
  });
});
