import { describe, expect, it } from "vitest";
import { Client, Server, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";

/**
 * pyzmqrpc3's proxies, as the README's recipes on top of events, calls and
 * delegation: each recipe here is the README's code, run over real sockets.
 */
async function server(name: string) {
  const s = closeAfter(new Server(name, { logger: silentLogger }));
  return { server: s, endpoint: await s.bind("tcp://127.0.0.1:*") };
}

function client(name: string, endpoint: string) {
  const c = closeAfter(new Client(name, { logger: silentLogger }));
  c.connect(endpoint);
  return c;
}

async function subscribed(s: Server, count = 1) {
  await expect.poll(() => s.eventStats().connected).toBe(count);
}

describe("pyzmqrpc3's proxies as recipes", () => {
  it("SUB → PUB: a relay subscribes upstream and publishes downstream", async () => {
    const upstream = await server("sensors");
    const downstream = await server("site");
    const relay = client("sensors", upstream.endpoint);
    relay.subscribe("sample", (payload) => downstream.server.publish("sample", payload));
    const consumer = client("site", downstream.endpoint);
    const seen: unknown[] = [];
    consumer.subscribe("sample", (payload) => seen.push(payload));
    await subscribed(upstream.server);
    await subscribed(downstream.server);
    for (let i = 1; i <= 3; i++) upstream.server.publish("sample", i);
    await expect.poll(() => seen).toEqual([1, 2, 3]);
  });

  it("SUB → REQ: a relay subscribes upstream and calls a service with each event", async () => {
    const upstream = await server("sensors");
    const store = await server("store");
    const stored: unknown[] = [];
    store.server.register("store.put", (sample: unknown) => void stored.push(sample));
    const storeClient = client("store", store.endpoint);
    client("sensors", upstream.endpoint).subscribe("sample", (payload) => storeClient.call("store.put", [payload]));
    await subscribed(upstream.server);
    upstream.server.publish("sample", { t: 21.5 });
    await expect.poll(() => stored).toEqual([{ t: 21.5 }]);
  });

  it("REP → PUB: a method whose every call is published", async () => {
    const hub = await server("hub");
    hub.server.register("report", (sample: unknown) => hub.server.publish("sample", sample));
    const listener = client("hub", hub.endpoint);
    const seen: unknown[] = [];
    listener.subscribe("sample", (payload) => seen.push(payload));
    await subscribed(hub.server);
    expect(await client("hub", hub.endpoint).call("report", ["x"])).toBe(1); // reached one subscriber
    await expect.poll(() => seen).toEqual(["x"]);
  });

  it("REP → REQ, buffered: a gateway delegates to a service that comes up later; calls wait for it within their timeout", async () => {
    const { server: gateway, endpoint } = await server("svc");
    const inner = closeAfter(new Client("inner", { logger: silentLogger, timeoutMs: 10_000 }));
    gateway.proxyTo(inner);
    const caller = closeAfter(new Client("svc", { logger: silentLogger, timeoutMs: 10_000 }));
    caller.connect(endpoint);
    const early = caller.call("double", [21]); // the inner service is not there yet
    const late = closeAfter(new Server("inner", { logger: silentLogger }));
    late.register("double", (n: number) => n * 2);
    inner.connect(await late.bind("tcp://127.0.0.1:*"));
    expect(await early).toBe(42);
  });
});
