import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, PSEUD_ERROR_CODES, PseudError, Server, silentLogger } from "pseud";
import { describe, expect, it } from "vitest";
import { closeAfter } from "../helpers.js";

/** What a call rejected with; a call that resolved fails the test. */
async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe("every rejection a caller can see is a PseudError with a documented code", () => {
  it.each([
    ["REMOTE", (client: Client) => client.call("boom")],
    ["SERVICE_NOT_FOUND", (client: Client) => client.call("no.such.method")],
    ["ENCODE", (client: Client) => client.call("echo", [() => 1])],
    ["TIMEOUT", (client: Client) => client.call("hang", [], {}, { timeoutMs: 30 })],
    ["ABORTED", (client: Client) => client.call("hang", [], {}, { signal: AbortSignal.abort("stop") })],
    ["OVERLOADED", (client: Client) => client.call("echo", ["x".repeat(64)], {}, {})],
  ] as const)("%s", async (code, provoke) => {
    const server = closeAfter(new Server("codes", { logger: silentLogger, limits: { maxBytesInFlightPerPeer: 1, maxCallsInFlightPerPeer: 1 } }));
    server.register("boom", () => {
      throw new Error("boom");
    });
    server.register("echo", (value: unknown) => value);
    server.register("hang", () => new Promise(() => {}));
    const client = closeAfter(new Client("codes", { logger: silentLogger }));
    client.connect(await server.bind("tcp://127.0.0.1:*"));
    expect(await client.call("echo", [1])).toBe(1); // connected, and the limits let one call through
    if (code === "OVERLOADED") void client.call("hang").catch(() => {}); // holds the connection's only slot
    const error = await rejection(provoke(client));
    expect(error).toBeInstanceOf(PseudError);
    expect((error as PseudError).code).toBe(code);
    expect(PSEUD_ERROR_CODES).toContain((error as PseudError).code);
  });

  it("CLOSED and UNREACHABLE, from the client itself", async () => {
    const client = new Client("codes", { logger: silentLogger });
    client.connect(`ipc://${join(tmpdir(), `pseud-nobody-${randomBytes(8).toString("hex")}`)}`);
    expect(await rejection(client.call("x", [], {}, { sendDeadlineMs: 10 }))).toMatchObject({ code: "UNREACHABLE" });
    await client.close();
    expect(await rejection(client.call("x"))).toMatchObject({ code: "CLOSED" });
  });
});
