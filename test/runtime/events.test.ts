import { describe, expect, it } from "vitest";
import { Client, Server, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";
import { startPythonPeer } from "../interop/python-peer.js";
import { tcpRelay } from "../tcp-relay.js";
import { asTrustedCurve, securedClient, securedServer, trustedCurveServer } from "../security/secured.js";

/** Events over the existing connection (WORK `pseud.event`), with real sockets. */

/** Collects what a subscription receives; `count(n)` resolves once it holds n. */
function collector<T = unknown>() {
  const seen: T[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    seen,
    handler: (payload: unknown) => {
      seen.push(payload as T);
      for (const w of waiters.filter((w) => seen.length >= w.n)) waiters.splice(waiters.indexOf(w), 1) && w.resolve();
    },
    count: (n: number) => new Promise<void>((resolve) => (seen.length >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

async function subscribed(_client: Client, server: Server, count = 1) {
  await expect.poll(() => server.eventStats().connected).toBe(count);
}

describe("events", () => {
  it("reach every subscriber of their name, in order, and only them", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const a = closeAfter(new Client("svc", { logger: silentLogger }));
    const b = closeAfter(new Client("svc", { logger: silentLogger }));
    const onA = collector<number>();
    const onB = collector<number>();
    a.subscribe("tick", onA.handler);
    b.subscribe("other", onB.handler);
    a.connect(endpoint);
    b.connect(endpoint);
    await subscribed(a, server, 2);
    for (let i = 1; i <= 500; i++) expect(server.publish("tick", i)).toBe(1);
    await onA.count(500);
    expect(onA.seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(onB.seen).toEqual([]);
    expect(server.eventStats()).toMatchObject({ subscribers: 2, queued: 0, dropped: 0 });
  });

  it("to one subscriber by identity, under CURVE", async () => {
    const { server, endpoint } = await securedServer(trustedCurveServer);
    const alice = securedClient(endpoint, asTrustedCurve("alice"));
    const admin = securedClient(endpoint, asTrustedCurve("admin"));
    const onAlice = collector();
    const onAdmin = collector();
    alice.subscribe("note", onAlice.handler);
    admin.subscribe("note", onAdmin.handler);
    await subscribed(alice, server, 2);
    expect(server.publish("note", "for admin", { to: "admin" })).toBe(1);
    expect(server.publish("note", "for all")).toBe(2);
    await onAlice.count(1);
    await onAdmin.count(2);
    expect([onAlice.seen, onAdmin.seen]).toEqual([["for all"], ["for admin", "for all"]]);
  });

  it("queue while their subscriber is away (its connection cut), then arrive once each, in order, when it is back", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    const relay = await tcpRelay(await server.bind("tcp://127.0.0.1:*"));
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    const missed: number[] = [];
    client.on("events:missed", (count) => missed.push(count));
    const on = collector<number>();
    client.subscribe("tick", on.handler);
    client.connect(relay.endpoint);
    await subscribed(client, server);
    server.publish("tick", 1);
    await on.count(1);
    await expect.poll(() => server.eventStats().inFlight).toBe(0); // answered (an unanswered one would be sent again, and dropped as a repeat)
    const lost = new Promise((resolve) => server.once("peer:lost", resolve));
    relay.cut();
    await lost;
    for (let i = 2; i <= 5; i++) expect(server.publish("tick", i)).toBe(1); // kept for the subscriber that is away
    expect(server.eventStats()).toMatchObject({ connected: 0, queued: 4 });
    await on.count(5); // ZeroMQ reconnects through the relay; the client subscribes again and gets what was kept
    expect(on.seen).toEqual([1, 2, 3, 4, 5]);
    expect(missed).toEqual([]);
    await expect.poll(() => server.eventStats()).toMatchObject({ connected: 1, queued: 0, inFlight: 0, dropped: 0 }); // every one answered
  });

  it("drop the oldest beyond the queue's bound, counted on both sides", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger, events: { maxQueuedEvents: 3, maxEventsInFlight: 1 } }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    const missed: number[] = [];
    client.on("events:missed", (count) => missed.push(count));
    const on = collector<number>();
    client.subscribe("tick", on.handler);
    client.connect(endpoint);
    await subscribed(client, server);
    for (let i = 1; i <= 10; i++) server.publish("tick", i); // one in flight, three queued: six dropped at once
    await on.count(4);
    expect(on.seen).toEqual([1, 8, 9, 10]);
    expect(missed).toEqual([6]);
    expect(server.eventStats().dropped).toBe(6);
  });

  it("never reach a Python reference client, which cannot subscribe; its calls are served as before", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    server.register("hello", (who: string) => `Hello ${who}`);
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const python = startPythonPeer(["call", "svc", endpoint, "hello", '["py"]']);
    expect(JSON.parse(await python.nextLine())).toEqual({ kind: "OK", body: "Hello py" });
    expect(server.publish("tick", 1)).toBe(0);
  });

  it("refuse a hostile subscription with TypeError, and hold nothing for it", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    client.connect(endpoint);
    for (const names of [["x".repeat(257)], Array.from({ length: 257 }, (_, i) => `e${i}`), "tick", [42]]) {
      await expect(client.call("pseud.subscribe", [names])).rejects.toMatchObject({ remoteClass: "TypeError" });
    }
    expect(server.eventStats().subscribers).toBe(0);
  });
});
