import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer } from "zeromq";
import { describe, expect, it } from "vitest";
import { type PeerInfo, PeerLostError, Server, silentLogger } from "pseud";
import { encodeMessage } from "pseud/protocol";
import { afterThisTest, closeAfter } from "../helpers.js";
import { rawPeer } from "../security/raw-peer.js";
import { asTrustedCurve, KEYS, securedClient, securedServer, trustedCurveServer } from "../security/secured.js";
import { startChild } from "./child.js";

const heartbeat = { plugin: "interval", intervalMs: 100, maxMissed: 2 } as const;
/** Detection must come within intervalMs × (maxMissed + 1); the margin is for a busy machine's scheduling. */
const DETECTION_BOUND_MS = heartbeat.intervalMs * (heartbeat.maxMissed + 1) + 700;

function ipcEndpoint(): string {
  const dir = mkdtempSync(join(tmpdir(), "pseud-live-"));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return `ipc://${join(dir, "svc.sock")}`;
}

function clientOf(endpoint: string) {
  return securedClient(endpoint, asTrustedCurve("alice"), 30_000, silentLogger, heartbeat);
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
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.signal("SIGKILL");
    expect(await pending).toBeInstanceOf(PeerLostError);
    // The closed connection, as a rule; on a loaded machine the heartbeat deadline may see it first.
    expect(["connection closed", "no heartbeat"]).toContain(await lost);

    const second = startChild("server", endpoint, config);
    await second.event("ready");
    expect(await second.event("authenticated")).toMatchObject({ identity: "alice" }); // the client re-authenticated by itself
    expect(await client.call("whoami")).toBe("alice");
  });

  it("stopped (hung): the client finds out from its silence within interval × (maxMissed + 1)", async () => {
    const endpoint = ipcEndpoint();
    const server = startChild("server", endpoint, { security: trustedCurveServer, heartbeat });
    await server.event("ready");
    const client = clientOf(endpoint);
    expect(await client.call("whoami")).toBe("alice");
    await new Promise((resolve) => setTimeout(resolve, 3 * heartbeat.intervalMs)); // heartbeats flowing both ways
    const lost = new Promise<string>((resolve) => client.once("server:lost", resolve));
    const pending = client.call("never").catch((e: unknown) => e);
    const stoppedAt = Date.now();
    server.signal("SIGSTOP");
    expect(await pending).toBeInstanceOf(PeerLostError);
    expect(Date.now() - stoppedAt).toBeLessThan(DETECTION_BOUND_MS);
    expect(await lost).toBe("no heartbeat");
  });
});

describe("a client process that dies", () => {
  async function serverAndChildClient() {
    const endpoint = ipcEndpoint();
    const { server } = await securedServer(trustedCurveServer, silentLogger, heartbeat);
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
    client.signal("SIGKILL");
    expect(await pending).toBeInstanceOf(PeerLostError);
    const [peer, reason] = await lost;
    expect(peer.identity).toBe("alice");
    expect(reason).toBe("disconnected");
    expect(server.peers()).toEqual([]);
  });

  it("stopped: the server declares it lost from its silence, and takes it back when it resumes", async () => {
    const { server, client } = await serverAndChildClient();
    await new Promise((resolve) => setTimeout(resolve, 3 * heartbeat.intervalMs));
    const lost = new Promise<string>((resolve) => server.once("peer:lost", (_peer, reason) => resolve(reason)));
    const pending = server.sendTo("alice").call("never", [], {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    const stoppedAt = Date.now();
    client.signal("SIGSTOP");
    expect(await lost).toBe("no heartbeat");
    expect(Date.now() - stoppedAt).toBeLessThan(DETECTION_BOUND_MS);
    expect(await pending).toBeInstanceOf(PeerLostError);
    const back = new Promise<PeerInfo>((resolve) => server.once("peer:authenticated", resolve));
    client.signal("SIGCONT");
    expect((await back).identity).toBe("alice"); // prompted again, authenticated again
    expect(await server.sendTo("alice").call("ping")).toBe("pong");
  });
});

describe("heartbeats", () => {
  it("keep idle peers alive, and are kept apart from call timeouts: a one-second handler makes no one look dead", async () => {
    // The client heartbeats at the default 1 s, the server every 50 ms: each holds the other to the other's own rhythm.
    const server = closeAfter(new Server("svc", { logger: silentLogger, heartbeat: { plugin: "interval", intervalMs: 50, maxMissed: 2 } }));
    server.register("slow", () => new Promise((resolve) => setTimeout(() => resolve("done"), 1_000)));
    const events: string[] = [];
    server.on("peer:lost", () => events.push("peer:lost"));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const client = securedClient(endpoint, undefined, 5_000);
    client.on("server:lost", () => events.push("server:lost"));
    expect(await client.call("slow")).toBe("done");
    const before = server.peers()[0]?.lastSeenAt.getTime() ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // idle: only heartbeats, more than one client interval
    expect(server.peers()[0]?.lastSeenAt.getTime()).toBeGreaterThan(before);
    expect(events).toEqual([]);
  });

  it("are ignored from a peer that has not authenticated where it must: no registry entry, no event", async () => {
    const { server, endpoint } = await securedServer({ plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: "wonderland" } });
    const seen: PeerInfo[] = [];
    server.on("peer:connected", (peer) => seen.push(peer));
    const stranger = rawPeer(endpoint, { curve: KEYS.mallory, serverKey: KEYS.server.publicKey });
    for (let i = 0; i < 20; i++) await stranger.send({ type: "HEARTBEAT", id: Buffer.alloc(0), text: "" });
    await new Promise((resolve) => setTimeout(resolve, 100));
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
    for (let i = 0; i < 100; i++) {
      const dealer = closeAfter(new Dealer({ linger: 0 }));
      dealer.connect(endpoint);
      await dealer.send(["", ...encodeMessage({ type: "HEARTBEAT", id: Buffer.alloc(0), text: "" })]);
    }
    await expect.poll(() => server.peers().length).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 120));
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
