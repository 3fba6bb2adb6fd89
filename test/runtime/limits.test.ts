import { describe, expect, it } from "vitest";
import { Dealer } from "zeromq";
import { Client, ClosedError, DEFAULT_LIMITS, EncodeError, OverloadedError, type PeerInfo, resolveLimits, Server, silentLogger, TooLargeError } from "pseud";
import { decodeFrames, encodeMessage, type Message, newMessageId } from "pseud/protocol";
import { closeAfter, deferred } from "../helpers.js";

/** A server whose `hold` handler waits for the test to open the gate; `echo` answers at once. */
async function gatedServer(limits: object) {
  const server = closeAfter(new Server("svc", { logger: silentLogger, limits }));
  const gate = deferred();
  let running = 0;
  server.register("hold", async (value: unknown) => {
    running++;
    await gate.promise;
    return value === undefined ? "done" : "held";
  });
  server.register("echo", (value: unknown) => value);
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  return { server, endpoint, gate, running: () => running };
}

/** A bare DEALER that reads replies by message id. */
function dealer(endpoint: string) {
  const socket = closeAfter(new Dealer({ linger: 0, receiveTimeout: 5_000 }));
  socket.connect(endpoint);
  return {
    socket,
    async work(method: string, args: unknown[] = []): Promise<Buffer> {
      const id = newMessageId();
      await socket.send(["", ...encodeMessage({ type: "WORK", id, work: { method, args, kwargs: {} } })]);
      return id;
    },
    async next(): Promise<Message> {
      for (;;) {
        const [, ...frames] = await socket.receive();
        const decoded = decodeFrames(frames);
        if (decoded.ok) return decoded.message;
      }
    },
  };
}

describe("calls in flight are bounded per connection and in total", () => {
  it("refuses a connection's calls beyond maxCallsInFlightPerPeer at once with OverloadedError, runs the rest, and holds no more", async () => {
    const { server, endpoint, gate, running } = await gatedServer({ maxCallsInFlightPerPeer: 100 });
    const client = closeAfter(new Client("svc", { logger: silentLogger, timeoutMs: 30_000 }));
    client.connect(endpoint);
    const refused: unknown[] = [];
    const calls = Array.from({ length: 1_000 }, () =>
      client.call("hold").then(
        (value) => ({ value }),
        (error: unknown) => (refused.push(error), { error }),
      ),
    );
    await expect.poll(() => refused.length + running(), { timeout: 10_000 }).toBe(1_000); // every call was either run or refused
    expect(running()).toBe(100);
    expect(server.load()).toMatchObject({ callsInFlight: 100 });
    for (const error of refused) {
      expect(error).toBeInstanceOf(OverloadedError);
      expect(error).toMatchObject({ code: "OVERLOADED", message: expect.stringContaining("limits.maxCallsInFlightPerPeer") });
    }
    const other = closeAfter(new Client("svc", { logger: silentLogger }));
    other.connect(endpoint);
    expect(await other.call("echo", ["still serving"])).toBe("still serving"); // another connection has its own allowance
    gate.resolve();
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => "value" in o)).toHaveLength(100);
    await expect.poll(() => server.load().callsInFlight).toBe(0);
  });

  it("refuses a call that would take a connection's WORK bytes over maxBytesInFlightPerPeer, but never its only call", async () => {
    const { endpoint, gate } = await gatedServer({ maxBytesInFlightPerPeer: 250_000, maxMessageSize: 1_000_000 });
    const peer = dealer(endpoint);
    const big = "x".repeat(100_000);
    const ids = [await peer.work("hold", [big]), await peer.work("hold", [big]), await peer.work("hold", [big])];
    const refusal = await peer.next(); // the third: 300,000 bytes would be in flight
    expect(refusal).toMatchObject({ type: "ERROR", failure: { className: "OverloadedError", message: expect.stringContaining("limits.maxBytesInFlightPerPeer") } });
    expect(refusal.id.equals(ids[2] as Buffer)).toBe(true);
    gate.resolve();
    const replies = [await peer.next(), await peer.next()];
    expect(replies.map((m) => m.type)).toEqual(["OK", "OK"]);
    const lone = dealer(endpoint);
    await lone.work("echo", ["y".repeat(400_000)]); // over the byte budget alone, within maxMessageSize: served
    expect(await lone.next()).toMatchObject({ type: "OK" });
  });

  it("refuses any connection's call once maxCallsInFlight calls are in flight in total", async () => {
    const { endpoint, gate, running } = await gatedServer({ maxCallsInFlight: 10 });
    const first = dealer(endpoint);
    for (let i = 0; i < 10; i++) await first.work("hold");
    await expect.poll(running).toBe(10);
    const second = dealer(endpoint);
    await second.work("echo", [1]);
    expect(await second.next()).toMatchObject({ type: "ERROR", failure: { className: "OverloadedError", message: expect.stringContaining("limits.maxCallsInFlight)") } });
    gate.resolve();
    for (let i = 0; i < 10; i++) expect(await first.next()).toMatchObject({ type: "OK" });
    await second.work("echo", [2]);
    expect(await second.next()).toMatchObject({ type: "OK", value: 2 });
  });
});

describe("a peer's own queues are bounded", () => {
  it("fails a call beyond maxPendingCalls at once with OverloadedError, unsent", async () => {
    const { endpoint } = await gatedServer({});
    const client = closeAfter(new Client("svc", { logger: silentLogger, timeoutMs: 30_000, limits: { maxPendingCalls: 5 } }));
    client.connect(endpoint);
    const pending = Array.from({ length: 5 }, () => client.call("hold").catch((e: unknown) => e));
    const error = await client.call("hold").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as Error).message).toContain("limits.maxPendingCalls");
    expect(client.load().pendingCalls).toBe(5);
    await client.close();
    for (const settled of await Promise.all(pending)) expect(settled).toBeInstanceOf(ClosedError);
  });

  it("fails a call at once with OverloadedError when maxQueuedMessages wait in the send queue", async () => {
    const client = closeAfter(new Client("nobody", { logger: silentLogger, timeoutMs: 30_000, limits: { maxQueuedMessages: 3 } }));
    client.connect("tcp://127.0.0.1:1"); // nothing listens: every call waits in the queue for the server
    const waiting = Array.from({ length: 3 }, () => client.call("x").catch((e: unknown) => e));
    await expect(client.call("x")).rejects.toMatchObject({ code: "OVERLOADED", message: expect.stringContaining("limits.maxQueuedMessages") });
    expect(client.load().queuedMessages).toBe(3);
    await client.close();
    for (const settled of await Promise.all(waiting)) expect(settled).toBeInstanceOf(ClosedError);
  });
});

describe("message size", () => {
  it("drops a connection that sends a frame over maxMessageSize, and keeps serving others", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger, limits: { maxMessageSize: 64 * 1024 } }));
    const sizes: number[] = [];
    server.register("echo", (value: string) => {
      sizes.push(value.length);
      return value.length;
    });
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const joined = new Promise<PeerInfo>((resolve) => server.once("peer:connected", resolve));
    const attacker = dealer(endpoint);
    const { routingId } = await joined;
    const lost = new Promise<PeerInfo>((resolve) => server.on("peer:lost", (peer) => peer.routingId.equals(routingId) && resolve(peer)));
    await attacker.work("echo", ["z".repeat(100 * 1024)]);
    const served = attacker.next().then(() => "the oversized WORK was served");
    served.catch(() => {}); // the connection closes: this receive may never end well
    expect(await Promise.race([lost.then(() => "dropped"), served])).toBe("dropped");
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    client.connect(endpoint);
    expect(await client.call("echo", ["small"])).toBe(5);
    expect(sizes).toEqual([5]);
  });

  it("fails a call whose WORK is over maxMessageSize at once with TooLargeError (an EncodeError), and answers a result over it with ValueError", async () => {
    const server = closeAfter(new Server("svc", { logger: silentLogger, limits: { maxMessageSize: 64 * 1024 } }));
    server.register("grow", (n: number) => "g".repeat(n));
    server.register("growNested", (n: number) => ({ a: [1, 2, { b: "é".repeat(n) }], c: 5 }));
    const client = closeAfter(new Client("svc", { logger: silentLogger, limits: { maxMessageSize: 64 * 1024 } }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    const error = await client.call("grow", ["a".repeat(100 * 1024)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooLargeError);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as Error).message).toBe("arguments of grow: the WORK is over limits.maxMessageSize (65536 bytes)");
    for (const method of ["grow", "growNested"]) {
      await expect(client.call(method, [100 * 1024])).rejects.toMatchObject({ remoteClass: "ValueError", remoteMessage: expect.stringContaining("limits.maxMessageSize") });
    }
    await expect.poll(() => server.load().callsInFlight).toBe(0);
    expect(await client.call("grow", [10])).toBe("gggggggggg");
  });
});

describe("limits options", () => {
  it("keep every default, take overrides, and refuse zero, fractions and unknown names", () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxCallsInFlightPerPeer: 7 })).toEqual({ ...DEFAULT_LIMITS, maxCallsInFlightPerPeer: 7 });
    expect(resolveLimits({ maxMessageSize: -1 }).maxMessageSize).toBe(-1);
    expect(() => resolveLimits({ sendHighWaterMark: 0 })).toThrow(/sendHighWaterMark must be a whole number ≥ 1/);
    expect(() => resolveLimits({ maxPendingCalls: 1.5 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxQueue: 3 } as object)).toThrow(/unknown limit "maxQueue"/);
    expect(() => new Server("svc", { logger: silentLogger, limits: { maxCallsInFlight: -3 } })).toThrow(RangeError);
  });
});
