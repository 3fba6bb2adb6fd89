import { beforeAll, describe, expect, it } from "vitest";
import { type CallContext, Client, RemoteError, Server, ServiceNotFoundError, silentLogger } from "pseud";
import { closeAfter, openForThisFile } from "../helpers.js";
import { startPythonPeer, startPythonServer } from "./python-peer.js";

/** Every type of the codec, as TS sends it, and the Python type it must arrive as. */
const VALUES: [label: string, value: unknown, pythonType: string][] = [
  ["string", "text ✓", "str"],
  ["empty string", "", "str"],
  ["bytes", new Uint8Array([0, 1, 254, 255]), "bytes"],
  ["array", [1, "two", [3]], "list"],
  ["map", { a: 1, nested: { b: [true, null] } }, "dict"],
  ["null", null, "NoneType"],
  ["true", true, "bool"],
  ["false", false, "bool"],
  ["float", 1.5, "float"],
  ["negative integer", -7, "int"],
  ["integer 2^40", 2 ** 40, "int"],
  ["bigint 2^60", 2n ** 60n, "int"],
  ["bigint 2^64-1", 2n ** 64n - 1n, "int"],
  ["bigint -2^63", -(2n ** 63n), "int"],
  ["date", new Date("2026-11-23T10:20:30.456Z"), "Timestamp"],
];

describe("TS client → Python server", () => {
  // One Python server for the block (a process each would cost more CPU than the calls): each test has a client of its own.
  let endpoint: string;
  beforeAll(async () => {
    ({ endpoint } = await openForThisFile(() => startPythonServer("pysvc")));
  });

  function connect() {
    const client = closeAfter(new Client("pysvc", { logger: silentLogger, timeoutMs: 5_000 }));
    client.connect(endpoint);
    return client;
  }

  it("gets OK replies, positional and keyword", async () => {
    const client = connect();
    expect(await client.call("hello", ["Charly"])).toBe("Hello Charly");
    expect(await client.call("add", [2, 3])).toBe(5);
    expect(await client.call("string.lower", ["ABC"])).toBe("abc");
    expect(await client.call("kw", [1], { c: 30 })).toEqual([1, 2, 30]);
    expect(await client.call("kw", [], { b: 20, a: 10 })).toEqual([10, 20, 3]);
  });

  it("gets a Python exception as a RemoteError with its class, message and traceback", async () => {
    const client = connect();
    const error = (await client.call("fail", ["boom"]).catch((e: unknown) => e)) as RemoteError;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.remoteClass).toBe("ValueError");
    expect(error.remoteMessage).toBe("boom");
    expect(error.remoteTraceback).toContain("Traceback (most recent call last)");
  });

  it("gets ServiceNotFoundError for an unknown method", async () => {
    const client = connect();
    await expect(client.call("no.such.method")).rejects.toBeInstanceOf(ServiceNotFoundError);
  });

  it.each(VALUES)("round-trips %s unchanged, arriving in Python as the right type", async (_label, value, pythonType) => {
    const client = connect();
    expect(await client.call("echo", [value])).toEqual(value);
    const [typeName] = (await client.call("describe", [value])) as [string, string];
    expect(typeName).toBe(pythonType);
  });

  it("serves the Python server's call back to this client", async () => {
    const client = connect();
    client.register("client.double", (n: number) => n * 2);
    expect(await client.call("callback", ["client.double", [21]])).toBe(42);
  });
});

describe("Python client → TS server", () => {
  it("passes every check of the Python client's scenario, the server calling it back included", async () => {
    const server = closeAfter(new Server("tssvc", { logger: silentLogger }));
    const received = new Map<string, unknown>();
    server.register("hello", (who: string) => `Hello ${who}`, { params: ["who"] });
    server.register("add", (a: number, b: number) => a + b, { params: ["a", "b"] });
    server.register("string.upper", (s: string) => s.toUpperCase());
    server.register("kw", (a: number, b = 2, c = 3) => [a, b, c], { params: ["a", "b", "c"] });
    server.register("fail", (message: string) => {
      const error = new Error(message);
      error.name = "ValueError"; // the class name is the contract: Python rebuilds a ValueError
      throw error;
    });
    server.register("echo", (value: unknown) => {
      received.set(describeTs(value), value);
      return value;
    });
    server.register(
      "ask.back",
      async (context: CallContext, n: number) => ((await server.sendTo(context.peer).call("client.double", [n])) as number) + 1,
      { withContext: true },
    );
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    const python = startPythonPeer(["client", "tssvc", endpoint]);
    const { lines, code, stderr } = await python.finish();
    const results = lines.map((line) => JSON.parse(line) as { check: string; ok: boolean; detail: string });
    const failed = results.filter((r) => !r.ok);
    expect(failed, stderr).toEqual([]);
    expect(results.length).toBe(24);
    expect(code).toBe(0);
    // What the Python values arrived as here.
    expect([...received.keys()].sort()).toEqual(
      ["Date", "Uint8Array", "array", "bigint", "boolean", "null", "number", "object", "string"].sort(),
    );
    expect(received.get("bigint")).toBe(-(2n ** 63n)); // the last bigint sample
    expect(received.get("Date")).toEqual(new Date(1795429230456));
  });
});

function describeTs(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "Uint8Array";
  if (value instanceof Date) return "Date";
  return typeof value;
}
