import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer } from "zeromq";
import { describe, expect, it } from "vitest";
import { type HeartbeatOptions, type PeerInfo, PeerLostError, Server, silentLogger } from "pseud";
import { encodeMessage } from "pseud/protocol";
import { afterThisTest, closeAfter, nextMessage } from "../helpers.js";
import { rawPeer } from "../security/raw-peer.js";
import { asTrustedCurve, KEYS, securedClient, securedServer, trustedCurveServer } from "../security/secured.js";
import { startChild } from "./child.js";
import { heardHeartbeat } from "./heard.js";

const heartbeat = { plugin: "interval", intervalMs: 100, maxMissed: 2 } as const;
// How soon silence is found (within intervalMs × (maxMissed + 1)) is proven on a fake clock in
// test/runtime/interval-heartbeat.test.ts; here, real processes show that it is found, and by its silence.

function ipcEndpoint(): string {
  const dir = mkdtempSync(join(tmpdir(), "pseud-live-"));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return `ipc://${join(dir, "svc.sock")}`;
}

function clientOf(endpoint: string, heartbeats: HeartbeatOptions = heartbeat) {
  return securedClient(endpoint, asTrustedCurve("alice"), 30_000, silentLogger, heartbeats);
}

describe("a server process that dies", () => {
  it("killed: pending calls fail with PeerLostError; the client reconnects and re-authenticates when a server returns", async () => {
    const endpoint = ipcEndpoint();
    const config = { security: trustedCurveServer, heartbeat };
    const first = startChild("server", endpoint, config);
    await first.event("ready");
    const client = clientOf(endpoint);
    expect(await client.call("whoami")).toBe("alice");
    const lost = new Promise<string>((resolve) => client.once("server:lost", resolve));
    const pending = client.call("never").catch((e: unknown) => e);
    await first.event("never");
    first.signal("SIGKILL");
    expect(await pending).toBeInstanceOf(PeerLostError);
    // The closed connection, as a rule; on a loaded machine the heartbeat deadline may see it first.
    expect(["connection closed", "no heartbeat"]).toContain(await lost);

    const second = startChild("server", endpoint, config);
    await second.event("ready");
    expect(await second.event("authenticated")).toMatchObject({ identity: "alice" }); // the client re-authenticated by itself
    expect(await client.call("whoami")).toBe("alice");
  });

  it("stopped (hung): the client finds out from its silence", async () => {
    const endpoint = ipcEndpoint();
    const server = startChild("server", endpoint, { security: trustedCurveServer, heartbeat });
    await server.event("ready");
    const heartbeats = heardHeartbeat(heartbeat);
    const client = clientOf(endpoint, heartbeats.plugin);
    expect(await client.call("whoami")).toBe("alice");
    await heartbeats.rhythmKnown();
    const lost = new Promise<string>((resolve) => client.once("server:lost", resolve));
    const pending = client.call("never").catch((e: unknown) => e);
    server.signal("SIGSTOP");
    expect(await pending).toBeInstanceOf(PeerLostError);
    expect(await lost).toBe("no heartbeat");
  });
});

describe("a client process that dies", () => {
  async function serverAndChildClient(heartbeats: HeartbeatOptions = heartbeat) {
    const endpoint = ipcEndpoint();
    const { server } = await securedServer(trustedCurveServer, silentLogger, heartbeats);
    const bound = await server.bind(endpoint);
    const authenticated = new Promise<PeerInfo>((resolve) => server.once("peer:authenticated", resolve));
    const client = startChild("client", bound, { security: asTrustedCurve("alice"), heartbeat });
    await client.event("ready");
    expect((await authenticated).identity).toBe("alice");
    return { server, client };
  }

  it("killed: the server fails its pending call with PeerLostError and emits peer:lost", async () => {
    const { server, client } = await serverAndChildClient();
    const lost = new Promise<[PeerInfo, string]>((resolve) => server.once("peer:lost", (peer, reason) => resolve([peer, reason])));
    const pending = server.sendTo("alice").call("never", [], {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    await client.event("never");
    client.signal("SIGKILL");
    expect(await pending).toBeInstanceOf(PeerLostError);
    const [peer, reason] = await lost;
    expect(peer.identity).toBe("alice");
    expect(reason).toBe("disconnected");
    expect(server.peers()).toEqual([]);
  });

  it("stopped: the server declares it lost from its silence, and takes it back when it resumes", async () => {
    const heartbeats = heardHeartbeat(heartbeat);
    const { server, client } = await serverAndChildClient(heartbeats.plugin);
    await heartbeats.rhythmKnown();
    const lost = new Promise<string>((resolve) => server.once("peer:lost", (_peer, reason) => resolve(reason)));
    const pending = server.sendTo("alice").call("never", [], {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    client.signal("SIGSTOP");
    expect(await lost).toBe("no heartbeat");
    expect(await pending).toBeInstanceOf(PeerLostError);
    const back = new Promise<PeerInfo>((resolve) => server.once("peer:authenticated", resolve));
    client.signal("SIGCONT");
    expect((await back).identity).toBe("alice"); // prompted again, authenticated again
    expect(await server.sendTo("alice").call("ping")).toBe("pong");
  });
});

describe("heartbeats", () => {
  it("keep idle peers alive, and are kept apart from call timeouts: a handler that runs for many heartbeats makes no one look dead", async () => {
    // Each side holds the other to the other's own rhythm: the client heartbeats every 100 ms, the server every 50 ms.
    const serverHeard = heardHeartbeat({ intervalMs: 50, maxMissed: 2 });
    const clientHeard = heardHeartbeat({ intervalMs: 100, maxMissed: 2 });
    const server = closeAfter(new Server("svc", { logger: silentLogger, heartbeat: serverHeard.plugin }));
    // The handler outlasts several deadlines of both sides: it returns once each side has heard 6 HEARTBEATs more.
    server.register("slow", async () => {
      await Promise.all([serverHeard.heard(6), clientHeard.heard(6)]);
      return "done";
    });
    const events: string[] = [];
    server.on("peer:lost", () => events.push("peer:lost"));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const client = securedClient(endpoint, undefined, 30_000, silentLogger, clientHeard.plugin);
    client.on("server:lost", () => events.push("server:lost"));
    expect(await client.call("slow")).toBe("done");
    const before = server.peers()[0]?.lastSeenAt.getTime() ?? 0;
    await Promise.all([serverHeard.heard(6), clientHeard.heard(6)]); // idle: only heartbeats, past every deadline again
    expect(server.peers()[0]?.lastSeenAt.getTime()).toBeGreaterThan(before);
    expect(events).toEqual([]);
  });

  it("are ignored from a peer that has not authenticated where it must: no registry entry, no event", async () => {
    const { server, endpoint } = await securedServer({ plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland" } });
    const seen: PeerInfo[] = [];
    server.on("peer:connected", (peer) => seen.push(peer));
    const stranger = rawPeer(endpoint, { curve: KEYS.mallory, serverKey: KEYS.server.publicKey });
    for (let i = 0; i < 20; i++) await stranger.send({ type: "HEARTBEAT", id: Buffer.alloc(0), text: "" });
    // Its messages are read in order: once a WORK after them is answered, the server has read every HEARTBEAT.
    await stranger.send(stranger.work("whoami"));
    expect((await stranger.next()).type).toBe("UNAUTHORIZED");
    expect(server.peers()).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("with a body, or in a flood, do no harm", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    server.register("ping", () => "pong");
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const dealer = closeAfter(new Dealer({ linger: 0 }));
    dealer.connect(endpoint);
    for (let i = 0; i < 2_000; i++) await dealer.send(["", ...encodeMessage({ type: "HEARTBEAT", id: Buffer.alloc(0), text: i % 2 ? "unexpected body" : "" })]);
    expect(await securedClient(endpoint, undefined).call("ping")).toBe("pong");
    expect(server.peers()).toHaveLength(2);
  });

  it("run on one timer per server, whatever the number of peers", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger, heartbeat: { plugin: "interval", intervalMs: 50, maxMissed: 3 } }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const dealers: Dealer[] = [];
    for (let i = 0; i < 100; i++) {
      const dealer = closeAfter(new Dealer({ linger: 0 }));
      dealers.push(dealer);
      dealer.connect(endpoint);
      await dealer.send(["", ...encodeMessage({ type: "HEARTBEAT", id: Buffer.alloc(0), text: "" })]);
    }
    await expect.poll(() => server.peers().length).toBe(100);
    // A peer's first HEARTBEAT is answered at once; the next two come from sweeps, each over all 100 peers.
    for (let i = 0; i < 3; i++) expect((await nextMessage(dealers[0] as Dealer)).type).toBe("HEARTBEAT");
    expect(timers()).toBeLessThanOrEqual(before + 1); // a transient timer at most; never one per peer
  });
});

describe("predicates with two identities over CURVE", () => {
  it("admit each identity to its domain only", async () => {
    const { server, endpoint } = await securedServer(trustedCurveServer);
    server.register("reports.read", () => "report");
    server.register("reports.delete", () => "deleted", { domain: "admins" });
    server.setPredicate("admins", async (context) => context.identity === "admin");
    expect(await securedClient(endpoint, asTrustedCurve("alice")).call("reports.read")).toBe("report");
    await expect(securedClient(endpoint, asTrustedCurve("alice")).call("reports.delete")).rejects.toMatchObject({ code: "SERVICE_NOT_FOUND" });
    expect(await securedClient(endpoint, asTrustedCurve("admin")).call("reports.delete")).toBe("deleted");
  });
});
