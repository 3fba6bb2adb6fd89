import { Dealer, Router } from "zeromq";
import { describe, expect, it } from "vitest";
import { AbortedError, Client, ClosedError, InternalError, PSEUD_ERROR_CODES, PseudError, Server, silentLogger, TimeoutError, UnreachableError } from "pseud";
import { decodeFrames, encodeMessage } from "pseud/protocol";
import { closeAfter, deferred, RecordingLogger } from "../helpers.js";

/** A bare ROUTER that plays a server named `name`, so a test controls every reply. */
async function rawServer(name: string) {
  const socket = closeAfter(new Router({ routingId: name, linger: 0 }));
  await socket.bind("tcp://127.0.0.1:*");
  return { socket, endpoint: socket.lastEndpoint as string };
}

/** Receives until a WORK arrives (skipping the client's probe); returns its envelope and id. */
async function nextWork(socket: Router) {
  for (;;) {
    const frames = await socket.receive();
    if (frames.length === 2) continue; // probe
    const decoded = decodeFrames(frames.slice(2));
    if (decoded.ok && decoded.message.type === "WORK") return { peer: frames[0] as Buffer, id: decoded.message.id };
  }
}

describe("every call settles exactly once", () => {
  it("times out with TimeoutError when no reply comes", async () => {
    const { endpoint } = await rawServer("mute");
    const client = closeAfter(new Client("mute", { logger: silentLogger }));
    client.connect(endpoint);
    const error = await client.call("anything", [], {}, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "TIMEOUT", method: "anything", timeoutMs: 150 });
  });

  it("uses the client's default timeout", async () => {
    const { endpoint } = await rawServer("mute2");
    const client = closeAfter(new Client("mute2", { logger: silentLogger, timeoutMs: 100 }));
    client.connect(endpoint);
    await expect(client.call("x")).rejects.toMatchObject({ code: "TIMEOUT", timeoutMs: 100 });
  });

  it("drops and logs a late reply, and goes on serving", async () => {
    const server = closeAfter(new Server("slow", { logger: silentLogger }));
    const release = deferred();
    const replied = deferred();
    server.register("slow", async () => {
      await release.promise;
      setTimeout(replied.resolve, 50);
      return "too late";
    });
    server.register("fast", () => "ok");
    const logger = new RecordingLogger();
    const client = closeAfter(new Client("slow", { logger }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    await expect(client.call("slow", [], {}, { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
    release.resolve();
    await logger.waitFor((line) => line.message.startsWith("reply dropped: no pending call"));
    expect(await client.call("fast")).toBe("ok");
  });

  it("drops and logs a duplicate reply; the call took the first", async () => {
    const { socket, endpoint } = await rawServer("dup");
    const logger = new RecordingLogger();
    const client = closeAfter(new Client("dup", { logger }));
    client.connect(endpoint);
    const result = client.call("twice");
    const { peer, id } = await nextWork(socket);
    await socket.send([peer, "", ...encodeMessage({ type: "OK", id, value: "first" })]);
    await socket.send([peer, "", ...encodeMessage({ type: "OK", id, value: "second" })]);
    expect(await result).toBe("first");
    await logger.waitFor((line) => line.message.startsWith("reply dropped: no pending call"));
  });

  it("fails a call whose reply does not decode at once, instead of letting it time out", async () => {
    const { socket, endpoint } = await rawServer("garbled");
    const client = closeAfter(new Client("garbled", { logger: silentLogger }));
    client.connect(endpoint);
    const result = client.call("x", [], {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    const { peer, id } = await nextWork(socket);
    await socket.send([peer, "", "v1", id, Buffer.of(0x01), Buffer.of(0xc1)]);
    expect(await result).toMatchObject({ code: "PROTOCOL", fault: "BODY" });
  });

  it("aborts with AbortedError when the signal fires, and at once when it already has", async () => {
    const { endpoint } = await rawServer("abort");
    const client = closeAfter(new Client("abort", { logger: silentLogger }));
    client.connect(endpoint);
    const controller = new AbortController();
    const pending = client.call("x", [], {}, { signal: controller.signal });
    controller.abort(new Error("user gave up"));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toMatchObject({ message: "user gave up" });
    await expect(client.call("x", [], {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
  });

  it("does not send a call whose signal had already fired: its WORK would run for no one", async () => {
    const server = closeAfter(new Server("aborted", { logger: silentLogger }));
    let charged = 0;
    server.register("charge", () => ++charged);
    server.register("ping", () => "pong");
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const client = closeAfter(new Client("aborted", { logger: silentLogger }));
    client.connect(endpoint);
    await client.call("ping");
    await expect(client.call("charge", [], {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    await client.call("ping"); // one connection keeps the order: a charge sent before this ping would have run before it
    expect(charged).toBe(0);
  });

  it("fails pending calls with ClosedError on close(), and later calls too", async () => {
    const { endpoint } = await rawServer("closing");
    const client = new Client("closing", { logger: silentLogger });
    client.connect(endpoint);
    const pending = [client.call("a"), client.call("b")].map((p) => p.catch((e: unknown) => e));
    await client.close();
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ClosedError);
    await expect(client.call("c")).rejects.toBeInstanceOf(ClosedError);
    await client.close(); // idempotent
  });

  it("settles a call once even when reply and timeout race", async () => {
    const server = closeAfter(new Server("race", { logger: silentLogger }));
    server.register("echo", async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    });
    const client = closeAfter(new Client("race", { logger: silentLogger }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    await client.call("echo", [0]); // connected first: the race is reply against timer, not against the connection
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => client.call("echo", [i % 40], {}, { timeoutMs: 20 })),
    );
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(TimeoutError);
      else expect(typeof outcome.value).toBe("number");
    }
  });
});

describe("replies are accepted only from the peer the call went to", () => {
  it("drops an OK for another peer's call, then takes the right peer's", async () => {
    const logger = new RecordingLogger();
    const server = closeAfter(new Server("guard", { logger }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const alice = closeAfter(new Dealer({ linger: 0 }));
    const mallory = closeAfter(new Dealer({ linger: 0 }));
    alice.connect(endpoint);
    mallory.connect(endpoint);
    const joined = new Promise<Buffer>((resolve) => server.once("peer:connected", (p) => resolve(p.routingId)));
    await alice.send(["", ...encodeMessage({ type: "HEARTBEAT", id: Buffer.alloc(0), text: "" })]);
    const aliceId = await joined;
    const result = server.sendTo(aliceId).call("secret");
    const [, ...work] = await alice.receive();
    const decoded = decodeFrames(work);
    if (!decoded.ok) throw decoded.error;
    const id = decoded.message.id;
    await mallory.send(["", ...encodeMessage({ type: "OK", id, value: "forged" })]);
    await logger.waitFor((line) => line.message.includes("came from a peer the call was not sent to"));
    await alice.send(["", ...encodeMessage({ type: "OK", id, value: "genuine" })]);
    expect(await result).toBe("genuine");
  });
});

describe("a server calling a client that is not connected", () => {
  it("fails at once with UnreachableError", async () => {
    const server = closeAfter(new Server("lonely", { logger: silentLogger }));
    await server.bind("tcp://127.0.0.1:*");
    const error = await server.sendTo(Buffer.from("nobody")).call("x", [], {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError); // not the TimeoutError of the 5 s timeout
  });
});

describe("PseudError.from", () => {
  it("keeps a PseudError, and wraps anything else as INTERNAL with its cause", () => {
    const timeout = new TimeoutError("m", 1);
    expect(PseudError.from(timeout)).toBe(timeout);
    const raw = Object.assign(new Error("Operation not supported"), { code: "ENOTSUP" });
    const wrapped = PseudError.from(raw);
    expect(wrapped).toBeInstanceOf(InternalError);
    expect(wrapped).toMatchObject({ code: "INTERNAL", message: "Operation not supported", cause: raw });
    expect(PseudError.from("a string")).toMatchObject({ code: "INTERNAL", message: "a string" });
    expect(PSEUD_ERROR_CODES).toContain(wrapped.code);
  });
});
