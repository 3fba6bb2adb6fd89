import { describe, expect, it } from "vitest";
import { Client, type PeerInfo, Server, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";
import { heardHeartbeat } from "../liveness/heard.js";
import { startPythonPeer, startPythonServer } from "./python-peer.js";

const heartbeat = { plugin: "interval", intervalMs: 100, maxMissed: 2 } as const;
const pythonHeartbeat = { intervalMs: 100, maxMissed: 2 };
// How soon silence is found is proven on a fake clock (test/runtime/interval-heartbeat.test.ts); here, that the
// reference's peers and ours find each other's silence, by its heartbeats.

describe("heartbeats with a Python peer", () => {
  it("Python client → TS server: they keep each other alive, and a stopped Python client is found from its silence", async () => {
    const heartbeats = heardHeartbeat(heartbeat);
    const server = closeAfter(new Server("svc", { logger: silentLogger, heartbeat: heartbeats.plugin }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const python = startPythonPeer(["idle", "svc", endpoint], undefined, 5, pythonHeartbeat);
    expect(JSON.parse(await python.nextLine())).toEqual({ event: "ready" }); // the server heartbeated back
    const lost: [PeerInfo, string][] = [];
    server.on("peer:lost", (peer, reason) => lost.push([peer, reason]));
    await heartbeats.heard(6); // six of its intervals, past the deadline twice over: alive
    expect(lost).toEqual([]);
    expect(server.peers()).toHaveLength(1);
    python.child.kill("SIGSTOP");
    await expect.poll(() => lost.length, { timeout: 5_000, interval: 10 }).toBe(1);
    expect(lost[0]?.[1]).toBe("no heartbeat");
    python.child.kill("SIGCONT");
  });

  it("TS client → Python server: they keep each other alive, and a stopped Python server is found from its silence", async () => {
    const { peer: python, endpoint } = await startPythonServer("svc", undefined, pythonHeartbeat);
    const heartbeats = heardHeartbeat(heartbeat);
    const client = closeAfter(new Client("svc", { logger: silentLogger, heartbeat: heartbeats.plugin }));
    const reasons: string[] = [];
    client.on("server:lost", (reason) => reasons.push(reason));
    client.connect(endpoint);
    expect(await client.call("hello", ["Charly"])).toBe("Hello Charly");
    await heartbeats.heard(6);
    expect(reasons).toEqual([]);
    python.child.kill("SIGSTOP");
    await expect.poll(() => reasons.length, { timeout: 5_000, interval: 10 }).toBe(1);
    expect(reasons).toEqual(["no heartbeat"]);
    python.child.kill("SIGCONT");
  });

  it("the Python side finds a stopped TS peer: the server its client, the client its server", async () => {
    const { peer: pythonServer, endpoint } = await startPythonServer("svc", undefined, pythonHeartbeat);
    const heartbeats = heardHeartbeat(heartbeat);
    const client = new Client("svc", { logger: silentLogger, heartbeat: heartbeats.plugin });
    client.connect(endpoint);
    expect(await client.call("hello", ["x"])).toBe("Hello x");
    await heartbeats.heard(3); // heartbeats flow both ways: the Python server knows this client's rhythm
    await client.close(); // its heartbeats stop
    expect(JSON.parse(await pythonServer.nextLine())).toMatchObject({ event: "lost" });

    const server = new Server("svc", { logger: silentLogger, heartbeat });
    const tsEndpoint = await server.bind("tcp://127.0.0.1:*");
    const pythonClient = startPythonPeer(["idle", "svc", tsEndpoint], undefined, 5, pythonHeartbeat);
    expect(JSON.parse(await pythonClient.nextLine())).toEqual({ event: "ready" });
    await server.close();
    expect(JSON.parse(await pythonClient.nextLine())).toEqual({ event: "lost" });
  });
});
