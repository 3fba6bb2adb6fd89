import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Request } from "zeromq";
import { Client, RemoteError, Server, type ServerOptions, ServiceNotFoundError, silentLogger, ValidationError } from "pseud";
import { decodeFrames, encodeMessage, newMessageId } from "pseud/protocol";
import { afterThisTest, closeAfter, deferred, RecordingLogger } from "../helpers.js";

async function pair(serverOptions: ServerOptions = {}) {
  const server = closeAfter(new Server("svc", { logger: silentLogger, ...serverOptions }));
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  const client = closeAfter(new Client("svc", { logger: silentLogger }));
  client.connect(endpoint);
  return { server, client, endpoint };
}

describe("calls from client to server", () => {
  it("binds on an OS-picked port and returns the actual endpoint", async () => {
    const { endpoint } = await pair();
    expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint).not.toMatch(/:\*$/);
  });

  it("answers sync and async handlers under dotted names", async () => {
    const { server, client } = await pair();
    server.register("string.upper", (s: string) => s.toUpperCase());
    server.register("string.lower", async (s: string) => s.toLowerCase());
    expect(await client.call("string.upper", ["abc"])).toBe("ABC");
    // Non-null assertions: this tree type-checks with noUncheckedIndexedAccess, which flags any index signature.
    expect(await client.remote.string!.lower!("ABC")).toBe("abc");
  });

  it("turns a handler's exception into a RemoteError with class and message, keeps the stack private, and logs it", async () => {
    const logger = new RecordingLogger();
    const { server, client } = await pair({ logger });
    server.register("fail", () => {
      throw new RangeError("out of range");
    });
    const error = await client.call("fail").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: "REMOTE", remoteClass: "RangeError", remoteMessage: "out of range", remoteTraceback: "" });
    const line = await logger.waitFor((l) => l.message.startsWith("a handler threw"));
    expect(line).toMatchObject({ level: "error", fields: { method: "fail" } });
    expect(String(line.fields.stack)).toContain("calls.test.ts"); // the server's own log has the stack
  });

  it("logs refused arguments (the caller's mistake) at debug level only", async () => {
    const logger = new RecordingLogger();
    const { server, client } = await pair({ logger });
    server.register("strict", () => {
      throw new ValidationError("invalid arguments to strict: argument 'a': expected number", []);
    });
    await expect(client.call("strict")).rejects.toMatchObject({ remoteClass: "ValidationError" });
    const line = await logger.waitFor((l) => l.message.startsWith("a handler threw"));
    expect(line.level).toBe("debug");
    expect(logger.lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("sends the handler's stack as the remote traceback when asked", async () => {
    const server = closeAfter(new Server("loud", { logger: silentLogger, sendTracebacks: true }));
    const client = closeAfter(new Client("loud", { logger: silentLogger }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    server.register("fail", async () => {
      throw new TypeError("nope");
    });
    const error = await client.call("fail").catch((e: unknown) => e);
    expect(error).toMatchObject({ remoteClass: "TypeError", remoteMessage: "nope" });
    expect((error as RemoteError).remoteTraceback).toContain("calls.test.ts");
  });

  it("logs a flood of handler exceptions at a bounded rate, counting what it held back", async () => {
    const logger = new RecordingLogger();
    const { server, client } = await pair({ logger, logRateLimit: { burst: 5, intervalMs: 1_000 } });
    server.register("fail", () => {
      throw new Error("again");
    });
    const started = Date.now();
    await Promise.all(Array.from({ length: 200 }, () => client.call("fail").catch(() => undefined)));
    const lines = logger.lines.filter((l) => l.message.startsWith("a handler threw"));
    const seconds = Math.ceil((Date.now() - started) / 1_000);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.length).toBeLessThanOrEqual(5 * (seconds + 1));
  });

  it("sends a thrown non-error, and an error whose name is no exception class, as Error", async () => {
    const { server, client } = await pair();
    server.register("throw.string", () => {
      throw "plain string";
    });
    server.register("throw.lowercase", () => {
      const error = new Error("renamed");
      error.name = "str"; // a Python builtin that is not an exception: would hang a Python caller
      throw error;
    });
    await expect(client.call("throw.string")).rejects.toMatchObject({ remoteClass: "Error", remoteMessage: "plain string" });
    await expect(client.call("throw.lowercase")).rejects.toMatchObject({ remoteClass: "Error", remoteMessage: "renamed" });
  });

  it("answers an unknown method with ServiceNotFoundError", async () => {
    const { client } = await pair();
    const error = await client.call("no.such.method").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceNotFoundError);
    expect(error).toMatchObject({ code: "SERVICE_NOT_FOUND", method: "no.such.method" });
    expect((error as Error).message).toContain("no.such.method");
  });

  it("maps keyword arguments onto named parameters as Python does", async () => {
    const { server, client } = await pair();
    server.register("kw", (a: number, b = 2, c = 3) => [a, b, c], { params: ["a", "b", "c"] });
    server.register("positional.only", (a: number) => a);
    expect(await client.call("kw", [1])).toEqual([1, 2, 3]);
    expect(await client.call("kw", [1], { c: 30 })).toEqual([1, 2, 30]);
    expect(await client.call("kw", [], { b: 20, a: 10 })).toEqual([10, 20, 3]);
    await expect(client.call("kw", [1], { d: 4 })).rejects.toMatchObject({
      remoteClass: "TypeError",
      remoteMessage: "kw() got an unexpected keyword argument 'd'",
    });
    await expect(client.call("kw", [1], { a: 4 })).rejects.toMatchObject({
      remoteMessage: "kw() got multiple values for argument 'a'",
    });
    await expect(client.call("kw", [1, 2, 3, 4])).rejects.toMatchObject({
      remoteMessage: "kw() takes 3 positional arguments but 4 were given",
    });
    await expect(client.call("positional.only", [], { a: 1 })).rejects.toMatchObject({ remoteClass: "TypeError" });
  });

  it("gives each of 1,000 concurrent calls its own result", async () => {
    const { server, client } = await pair();
    server.register("square", async (n: number) => {
      await new Promise((resolve) => setTimeout(resolve, n % 7)); // replies come back out of order
      return n * n;
    });
    const inputs = Array.from({ length: 1000 }, (_, i) => i);
    const results = await Promise.all(inputs.map((n) => client.call("square", [n])));
    expect(results).toEqual(inputs.map((n) => n * n));
  });

  it("runs calls concurrently: a slow handler does not hold back a fast one", async () => {
    const { server, client } = await pair();
    const release = deferred();
    server.register("slow", () => release.promise.then(() => "slow done"));
    server.register("fast", () => "fast done");
    const slow = client.call("slow");
    expect(await client.call("fast")).toBe("fast done");
    release.resolve();
    expect(await slow).toBe("slow done");
  });

  it("refuses callers of a domain that has no predicate, and says so once, not on every call", async () => {
    const logger = new RecordingLogger();
    const server = closeAfter(new Server("nopred", { logger }));
    server.register("secret", () => "no", { domain: "forgotten" });
    const client = closeAfter(new Client("nopred", { logger: silentLogger }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    for (let i = 0; i < 3; i++) await expect(client.call("secret")).rejects.toBeInstanceOf(ServiceNotFoundError);
    expect(logger.lines.filter((l) => l.message === "domain has no predicate; it admits nobody")).toHaveLength(1);
  });

  it("refuses a second registration in the same domain", async () => {
    const { server } = await pair();
    server.register("once", () => 1);
    expect(() => server.register("once", () => 2)).toThrow(/already registered/);
    expect(server.unregister("once")).toBe(true);
    server.register("once", () => 3);
  });

  it("waits for a server that binds after the client called", async () => {
    // ipc in a fresh directory: unlike a freed TCP port, no other test can take the address meanwhile.
    const endpoint = `ipc://${join(tempDir(), "late.sock")}`;
    const client = closeAfter(new Client("late", { logger: silentLogger }));
    client.connect(endpoint);
    const result = client.call("ping", [], {}, { timeoutMs: 5_000 });
    await expect.poll(() => client.load()).toMatchObject({ pendingCalls: 1, queuedMessages: 1 }); // held, retried until the server is there
    const server = closeAfter(new Server("late", { logger: silentLogger }));
    server.register("ping", () => "pong");
    await server.bind(endpoint);
    expect(await result).toBe("pong");
  });

  it("serves a REQ socket, as the reference's SyncClient is", async () => {
    const { server, endpoint } = await pair();
    server.register("hello", (name: string) => `Hello ${name}`);
    const req = closeAfter(new Request({ linger: 0, receiveTimeout: 2_000 }));
    req.connect(endpoint);
    await req.send(encodeMessage({ type: "WORK", id: newMessageId(), work: { method: "hello", args: ["sync"], kwargs: {} } }));
    const reply = decodeFrames(await req.receive());
    expect(reply).toMatchObject({ ok: true, message: { type: "OK", value: "Hello sync" } });
  });
});

/** A fresh directory, removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pseud-"));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
