/**
 * The fault suite: peers in child processes killed (SIGKILL) or stopped
 * (SIGSTOP, then SIGCONT), each twice on one connection or one server; a
 * server restarted on the same endpoint; a client that stops reading.
 */
import { describe, expect, it } from "vitest";
import { Dealer } from "zeromq";
import { Client, type PeerInfo, PeerLostError, Server, silentLogger, UnreachableError } from "pseud";
import { encodeMessage, newMessageId } from "pseud/protocol";
import { closeAfter, RecordingLogger } from "../helpers.js";
import { openConnections } from "../tcp-state.js";
import { heardHeartbeat } from "../liveness/heard.js";
import { aliceAt, childClient, childServer, heartbeat, ipcEndpoint, next, serverAt } from "./harness.js";

/** How long a stopped peer stays stopped once its loss was seen: five heartbeat intervals (several sweeps that still heartbeat it while it is lost), the "~3 s pause" of the issue scaled to these heartbeats. */
const PAUSE_MS = 5 * heartbeat.intervalMs;

describe("SIGSTOP and SIGCONT, twice on one connection", () => {
  it("of the server: the client finds out each time, and each time the server resumes it is served again as itself", async () => {
    const endpoint = ipcEndpoint();
    const server = await childServer(endpoint);
    const heartbeats = heardHeartbeat(heartbeat);
    const client = aliceAt(endpoint, heartbeats.plugin);
    expect(await client.call("whoami")).toBe("alice");
    await heartbeats.rhythmKnown();
    for (let round = 1; round <= 2; round++) {
      const lost = next(client, "server:lost");
      const pending = client.call("never").catch((e: unknown) => e);
      server.signal("SIGSTOP");
      expect(await lost).toEqual(["no heartbeat"]);
      expect(await pending).toBeInstanceOf(PeerLostError);
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS)); // the pause itself is the fault under test
      const back = next(client, "server:connected");
      server.signal("SIGCONT");
      await back;
      expect(await client.call("whoami")).toBe("alice"); // the same session: the server kept the binding of the open connection
    }
  });

  it("of the client: the server finds out each time, refuses calls to it meanwhile, and takes it back with its identity", async () => {
    const endpoint = ipcEndpoint();
    const heartbeats = heardHeartbeat(heartbeat);
    const server = await serverAt(endpoint, silentLogger, heartbeats.plugin);
    const { child } = await childClient(server, endpoint);
    await heartbeats.rhythmKnown();
    for (let round = 1; round <= 2; round++) {
      const lost = next(server, "peer:lost");
      const pending = server.sendTo("alice").call("never", [], {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
      child.signal("SIGSTOP");
      const [peer, reason] = (await lost) as [PeerInfo, string];
      expect([peer.identity, reason]).toEqual(["alice", "no heartbeat"]);
      expect(await pending).toBeInstanceOf(PeerLostError);
      expect(server.peers()).toEqual([]);
      await expect(server.sendTo("alice").call("ping")).rejects.toBeInstanceOf(UnreachableError); // at once, not after a timeout
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      const back = next(server, "peer:connected");
      child.signal("SIGCONT");
      const [again] = (await back) as [PeerInfo];
      expect(again.identity).toBe("alice"); // no re-authentication: the connection never closed
      expect(await server.sendTo("alice").call("ping")).toBe("pong");
    }
  });
});

describe("SIGKILL, twice", () => {
  it("of the server, restarted on the same endpoint each time: the client fails its calls at once and re-authenticates with each new server", async () => {
    const endpoint = ipcEndpoint();
    const client = aliceAt(endpoint);
    for (let round = 1; round <= 2; round++) {
      const server = await childServer(endpoint);
      expect(await server.event("authenticated")).toMatchObject({ identity: "alice" });
      expect(await client.call("whoami")).toBe("alice");
      const lost = next(client, "server:lost");
      const pending = client.call("never").catch((e: unknown) => e);
      server.signal("SIGKILL");
      expect(await pending).toBeInstanceOf(PeerLostError);
      expect(await lost).toEqual(["connection closed"]);
    }
  });

  it("of the client, two clients in turn: the server forgets each, and the next binds the same identity", async () => {
    const endpoint = ipcEndpoint();
    const server = await serverAt(endpoint);
    for (let round = 1; round <= 2; round++) {
      const { child, peer } = await childClient(server, endpoint);
      expect(peer.identity).toBe("alice");
      const lost = next(server, "peer:lost");
      const pending = server.sendTo("alice").call("never", [], {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
      child.signal("SIGKILL");
      expect(await pending).toBeInstanceOf(PeerLostError);
      expect(((await lost) as [PeerInfo, string])[1]).toBe("disconnected");
      expect(server.peers()).toEqual([]);
      await expect(server.sendTo("alice").call("ping")).rejects.toBeInstanceOf(UnreachableError);
    }
  });

  it("of a client the server had declared lost for its silence: its disconnect is no new connection", async () => {
    const logger = new RecordingLogger();
    const heartbeats = heardHeartbeat(heartbeat);
    const server = await serverAt("tcp://127.0.0.1:*", logger, heartbeats.plugin);
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const { child } = await childClient(server, endpoint);
    await heartbeats.rhythmKnown();
    const lost = next(server, "peer:lost");
    child.signal("SIGSTOP");
    await lost;
    const reconnected = next(server, "peer:connected").then(() => "peer:connected for a dead peer");
    child.signal("SIGKILL");
    const closed = logger.waitFor((line) => line.message === "connection closed", 10_000).then(() => "forgotten");
    expect(await Promise.race([closed, reconnected])).toBe("forgotten");
    expect(server.peers()).toEqual([]);
    expect(openConnections(endpoint)).toBe(0);
  });
});

describe("a server restarted on the same endpoint", () => {
  it("closed and bound again in turn: one client is served as itself by each", async () => {
    const endpoint = ipcEndpoint();
    const client = aliceAt(endpoint);
    for (let round = 1; round <= 3; round++) {
      const server = await serverAt(endpoint);
      const connected = next(client, "server:connected");
      expect(await client.call("whoami")).toBe("alice");
      await connected;
      const lost = next(client, "server:lost");
      await server.close();
      expect(await lost).toEqual(["connection closed"]);
    }
  });
});

describe("a client that stops reading", () => {
  it("holds no more than its limits on the server, which keeps serving others; all is released when it leaves", async () => {
    const limits = { maxCallsInFlightPerPeer: 50, sendHighWaterMark: 10 };
    // A long timeout: replies that cannot leave are given up only after it, and the test looks before.
    const server = closeAfter(new Server("svc", { logger: silentLogger, limits, timeoutMs: 60_000 }));
    const blob = 64 * 1024;
    server.register("blob", () => Buffer.alloc(blob, 1));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const joined = next(server, "peer:connected");
    const consumer = new Dealer({ linger: 0, receiveHighWaterMark: 10 }); // never reads
    consumer.connect(endpoint);
    await joined;
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const calls = 5_000; // 320 MB of replies, were they all kept
    for (let i = 0; i < calls; i++) {
      await consumer.send(["", ...encodeMessage({ type: "WORK", id: newMessageId(), work: { method: "blob", args: [], kwargs: {} } })]);
      if (i % 100 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024); // bounded by its limit, far below all replies kept
    await expect.poll(() => server.load().callsInFlight, { timeout: 10_000 }).toBe(limits.maxCallsInFlightPerPeer); // stuck at its limit
    expect(server.load().queuedMessages).toBeLessThanOrEqual(limits.maxCallsInFlightPerPeer); // refusals were never queued
    const other = closeAfter(new Client("svc", { logger: silentLogger }));
    other.connect(endpoint);
    expect(await other.call("blob")).toHaveLength(blob);
    consumer.close();
    await expect.poll(() => server.load(), { timeout: 10_000 }).toEqual({ callsInFlight: 0, bytesInFlight: 0, pendingCalls: 0, queuedMessages: 0 });
  });
});
