import { Router } from "zeromq";
import { describe, expect, it } from "vitest";
import { Client, RemoteError, Server, silentLogger, ValidationError } from "pseud";
import { decodeFrames, encodeMessage } from "pseud/protocol";
import {
  GreeterClient,
  type GreeterHandlers,
  greeterEvents,
  greeterPeer,
  greeterServiceName,
  greeterSubscriptions,
  registerGreeterClient,
  registerGreeterServer,
} from "../../generated/greeter.js";
import type { Census, Sheep, Size } from "../../generated/types.js";
import { closeAfter, RecordingLogger } from "../helpers.js";
import { startPythonPeer } from "../interop/python-peer.js";

const sheep = (size: Size): Sheep => ({
  size,
  wool: size === "big" ? 900 : 300,
  drawnAt: new Date("2026-11-23T12:00:00.000Z"),
  picture: Uint8Array.of(1, 2, 3),
  tags: ["t"],
  owner: null,
});

const handlers: GreeterHandlers = {
  hello: (name) => `Hello ${name}`,
  add: (a, b) => a + b,
  divide: (a, b) => {
    if (b === 0) throw Object.assign(new Error("division by zero"), { name: "ZeroDivisionError" });
    return a / b;
  },
  stringLower: (s) => s.toLowerCase(),
  stringUpper: (s) => s.toUpperCase(),
  census: (flock, since): Census => ({
    total: flock.length,
    bySize: { big: flock.filter((s) => s.size === "big").length },
    heaviest: flock.length > 0 ? ["first", flock[0]?.wool ?? 0] : null,
    checksum: 2n ** 60n + BigInt(since?.getTime() ?? 0),
    complete: flock.every((s) => s.picture instanceof Uint8Array && s.drawnAt instanceof Date),
  }),
  adminReset: () => {},
};

async function typedPair() {
  const server = closeAfter(new Server(greeterServiceName, { logger: silentLogger }));
  registerGreeterServer(server, handlers);
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  const client = closeAfter(new Client(greeterServiceName, { logger: silentLogger }));
  registerGreeterClient(client, { drawMeASheep: sheep });
  client.connect(endpoint);
  return { server, client, endpoint, greeter: new GreeterClient(client) };
}

describe("a generated client and server over real sockets", () => {
  it("call each other with typed values, in both directions", async () => {
    const { server, greeter } = await typedPair();
    expect(await greeter.hello("Charly")).toBe("Hello Charly");
    expect(await greeter.add(2, 40)).toBe(42);
    expect(await greeter.stringLower("ABC")).toBe("abc");
    const census = await greeter.census([sheep("big"), sheep("small")], new Date(1000));
    expect(census).toEqual({ total: 2, bySize: { big: 1 }, heaviest: ["first", 900], checksum: 2n ** 60n + 1000n, complete: true });
    const [peer] = server.peers();
    expect(await greeterPeer(server, peer?.routingId as Buffer).drawMeASheep("small")).toEqual(sheep("small"));
  });

  it("surfaces a declared error as a RemoteError with its class name", async () => {
    const { greeter } = await typedPair();
    await expect(greeter.divide(1, 0)).rejects.toMatchObject({ remoteClass: "ZeroDivisionError", remoteMessage: "division by zero" });
  });

  it("keeps restricted methods from callers their domain's predicate refuses", async () => {
    const { server, greeter } = await typedPair();
    await expect(greeter.adminReset()).rejects.toMatchObject({ code: "SERVICE_NOT_FOUND" });
    server.setPredicate("restricted", () => true);
    await expect(greeter.adminReset()).resolves.toBeUndefined();
  });

  it("refuses invalid arguments with ValidationError naming the parameter and path, before the handler runs", async () => {
    const { client } = await typedPair();
    const bad = await client.call("census", [[{ ...sheep("big"), wool: 1.5 }]]).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(RemoteError);
    expect(bad).toMatchObject({ remoteClass: "ValidationError" });
    expect((bad as RemoteError).remoteMessage).toContain("argument 'flock'[0].wool");
    await expect(client.call("add", [1])).rejects.toMatchObject({ remoteClass: "ValidationError", remoteMessage: expect.stringContaining("argument 'b'") });
    await expect(client.call("add", [], { a: 1, b: 2 })).resolves.toBe(3); // keyword arguments by parameter name
  });

  it("fails a call whose reply does not match the return type with a local ValidationError", async () => {
    const router = closeAfter(new Router({ routingId: "greeter", linger: 0 }));
    await router.bind("tcp://127.0.0.1:*");
    const client = closeAfter(new Client("greeter", { logger: silentLogger }));
    client.connect(router.lastEndpoint as string);
    const pending = new GreeterClient(client).add(1, 2).catch((e: unknown) => e);
    for (;;) {
      const frames = await router.receive();
      if (frames.length === 2) continue;
      const decoded = decodeFrames(frames.slice(2));
      if (!decoded.ok || decoded.message.type !== "WORK") continue; // the client's heartbeats come too
      await router.send([frames[0] as Buffer, "", ...encodeMessage({ type: "OK", id: decoded.message.id, value: "three" })]);
      break;
    }
    const error = await pending;
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain("invalid reply from add");
  });
});

describe("a Python peer calling the generated server", () => {
  it("gets ValidationError for a bad argument, and OK for a good one", async () => {
    const { endpoint } = await typedPair();
    const bad = startPythonPeer(["call", "greeter", endpoint, "add", JSON.stringify(["one", 2])]);
    const badReply = JSON.parse((await bad.finish()).lines[0] ?? "{}") as { kind: string; body: [string, string, string] };
    expect(badReply.kind).toBe("ERROR");
    expect(badReply.body[0]).toBe("ValidationError");
    expect(badReply.body[1]).toContain("argument 'a'");
    const good = startPythonPeer(["call", "greeter", endpoint, "add", "[]", JSON.stringify({ a: 40, b: 2 })]);
    expect(JSON.parse((await good.finish()).lines[0] ?? "{}")).toEqual({ kind: "OK", body: 42 });
  });
});

describe("generated events, over real sockets", () => {
  it("a typed publish reaches a typed subscription; a bad payload is refused before it leaves, and one that arrives bad is not handled", async () => {
    const server = closeAfter(new Server(greeterServiceName, { logger: silentLogger }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const logger = new RecordingLogger();
    const client = closeAfter(new Client(greeterServiceName, { logger }));
    const seen: Census[] = [];
    greeterSubscriptions(client).flockCounted.subscribe((census) => seen.push(census));
    client.connect(endpoint);
    await expect.poll(() => server.eventStats().connected).toBe(1);

    const census: Census = { total: 2, bySize: { big: 2 }, heaviest: ["a", 900], checksum: 2n ** 60n, complete: true };
    expect(greeterEvents(server).flockCounted.publish(census)).toBe(1);
    expect(() => greeterEvents(server).flockCounted.publish({ ...census, total: -1 })).toThrow(ValidationError); // .min(0)
    server.publish("flock.counted", { total: "two" }); // untyped, past the generated check: the subscriber's validator refuses it
    greeterEvents(server).flockCounted.publish({ ...census, total: 3 });
    await expect.poll(() => seen.map((c) => c.total)).toEqual([2, 3]);
    expect(seen[0]?.checksum).toBe(2n ** 60n);
    expect(logger.lines.some((l) => l.level === "error" && String(l.fields.error).includes("invalid payload of event flock.counted"))).toBe(true);
  });
});
