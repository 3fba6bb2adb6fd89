/**
 * What a peer says when what it must send is over `limits.maxMessageSize`,
 * on real sockets: every call is answered or failed at once, never left to
 * time out (a call or a plain result over it: limits.test.ts). From the outside review of the writer's limit (stop 29): a
 * getter's 10 MB error, and the stack sent with a small limit, made the
 * ERROR that reports the fault over the limit as well, and a HELLO over the
 * client's own limit left its calls waiting for an answer that could not
 * come.
 */
import { describe, expect, it } from "vitest";
import { Client, EncodeError, type Logger, Server, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";
import { KEYS } from "../security/secured.js";

const TEN_MB = 10 * 1024 * 1024;

/** A logger that keeps its lines, to check that nothing was given up. */
function collecting(): { logger: Logger; messages: string[] } {
  const messages: string[] = [];
  const keep = (message: string) => void messages.push(message);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, messages };
}

async function pair(maxMessageSize: number, sendTracebacks: boolean, logger: Logger = silentLogger) {
  const server = closeAfter(new Server("svc", { logger, sendTracebacks, limits: { maxMessageSize } }));
  server.register("echo", (value: unknown) => value);
  server.register("grow", (n: number) => "g".repeat(n));
  server.register("throwBig", (n: number) => {
    throw new Error("m".repeat(n));
  });
  server.register("throwBigLater", async (n: number) => {
    await null;
    throw new Error("m".repeat(n));
  });
  server.register("badGetter", (n: number) => ({
    get x(): never {
      throw new Error("q".repeat(n));
    },
  }));
  // A call left unanswered fails after 10 s: far beyond the few ms an answer takes, so a timeout shows as such.
  const client = closeAfter(new Client("svc", { logger: silentLogger, timeoutMs: 10_000, limits: { maxMessageSize } }));
  client.connect(await server.bind("tcp://127.0.0.1:*"));
  return { server, client };
}

describe("replies over maxMessageSize", () => {
  for (const sendTracebacks of [false, true]) {
    for (const limit of [64 * 1024, 1024]) {
      it(`answers a handler's 10 MB error with ValueError (tracebacks ${sendTracebacks ? "on" : "off"}, limit ${limit})`, async () => {
        const { logger, messages } = collecting();
        const { server, client } = await pair(limit, sendTracebacks, logger);
        for (const method of ["throwBig", "throwBigLater"]) {
          await expect(client.call(method, [TEN_MB])).rejects.toMatchObject({ remoteClass: "ValueError", remoteMessage: expect.stringContaining("limits.maxMessageSize") });
        }
        await expect.poll(() => server.load().callsInFlight).toBe(0);
        expect(await client.call("echo", [1])).toBe(1);
        expect(messages.filter((m) => m.startsWith("reply failed"))).toEqual([]);
      });
    }
  }

  it("answers a result whose getter throws a 10 MB error with TypeError, its text cut short", async () => {
    const { server, client } = await pair(64 * 1024, false);
    const error = (await client.call("badGetter", [TEN_MB]).catch((e: unknown) => e)) as { remoteClass?: string; remoteMessage?: string };
    expect(error.remoteClass).toBe("TypeError");
    expect(error.remoteMessage).toMatch(/^the result of badGetter cannot be encoded: value cannot be encoded as msgpack: Error: q+… \(\d+ characters\)$/);
    expect((error.remoteMessage as string).length).toBeLessThan(700);
    await expect.poll(() => server.load().callsInFlight).toBe(0);
  });

  it("answers with the error's class alone when even the report is over a small limit (tracebacks on)", async () => {
    const { server, client } = await pair(600, true);
    await expect(client.call("grow", [100_000])).rejects.toMatchObject({ remoteClass: "ValueError", remoteMessage: "" });
    await expect.poll(() => server.load().callsInFlight).toBe(0);
  });
});

describe("a HELLO over the client's maxMessageSize", () => {
  it("fails the calls waiting for it at once with EncodeError, not by timing out", async () => {
    const password = "w".repeat(2000);
    const server = closeAfter(
      new Server("svc", { logger: silentLogger, security: { plugin: "untrusted_curve", keyPair: KEYS.server, users: { alice: password } } }),
    );
    server.register("echo", (value: unknown) => value);
    const client = closeAfter(
      new Client("svc", {
        logger: silentLogger,
        timeoutMs: 10_000,
        security: { plugin: "untrusted_curve", keyPair: KEYS.mallory, serverKey: KEYS.server.publicKey, login: "alice", password },
        limits: { maxMessageSize: 1024 },
      }),
    );
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    const error = await client.call("echo", [1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as Error).message).toBe("the HELLO cannot be sent: the HELLO is over limits.maxMessageSize (1024 bytes)");
    await expect(client.call("echo", [2])).rejects.toBeInstanceOf(EncodeError);
  });
});
