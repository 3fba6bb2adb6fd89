import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Server, silentLogger, UnreachableError } from "pseud";
import { describe, expect, it } from "vitest";
import { closeAfter } from "../helpers.js";

describe("a client object's manners", () => {
  it("closes at the end of an `await using` scope", async () => {
    const server = closeAfter(new Server("manners", { logger: silentLogger }));
    server.register("ping", () => "pong");
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    let escaped: Client | undefined;
    {
      await using client = new Client("manners", { logger: silentLogger });
      client.connect(endpoint);
      expect(await client.call("ping")).toBe("pong");
      escaped = client;
    }
    await expect(escaped.call("ping")).rejects.toMatchObject({ code: "CLOSED" });
  });

  it("gives its ZeroMQ sockets back by the time close() resolves: 600 clients opened and closed in turn", async () => {
    // A context holds at most 1,023 sockets, and a client's monitor socket is freed only once its last event is read.
    // close() used to resolve before that, so a loop that opened and closed clients failed with EMFILE after ~500.
    const server = closeAfter(new Server("manners", { logger: silentLogger }));
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    for (let i = 0; i < 600; i++) {
      const client = new Client("manners", { logger: silentLogger });
      client.connect(endpoint);
      await client.close();
    }
    const last = closeAfter(new Client("manners", { logger: silentLogger }));
    last.connect(endpoint);
    server.register("ping", () => "pong");
    expect(await last.call("ping")).toBe("pong");
  });

  it.each([
    ["localhost:5555", /cannot connect to "localhost:5555": it has no transport; write it as tcp:\/\/localhost:5555/],
    ["tcp://localhost", /cannot connect to "tcp:\/\/localhost": a tcp endpoint needs a port/],
    ["htp://host:1", /cannot connect to "htp:\/\/host:1": unknown transport "htp"/],
    ["", /cannot connect to "": an endpoint is a non-empty string/],
  ])("names the endpoint %j and what is wrong with it", (endpoint, message) => {
    const client = closeAfter(new Client("manners", { logger: silentLogger }));
    expect(() => client.connect(endpoint)).toThrow(message);
  });

  it("names the endpoint when libzmq refuses a bind, keeping its code", async () => {
    const first = closeAfter(new Server("manners", { logger: silentLogger }));
    const endpoint = await first.bind("tcp://127.0.0.1:*");
    const second = closeAfter(new Server("manners", { logger: silentLogger }));
    await expect(second.bind(endpoint)).rejects.toMatchObject({ code: "EADDRINUSE", message: expect.stringContaining(`cannot bind "${endpoint}"`) });
  });

  it("names an unreachable server by its name and endpoint, not by the hex of its routing id", async () => {
    // Nothing listens there (an ipc path no one binds, so no other test can take it): the call cannot be delivered, and says to whom.
    const endpoint = `ipc://${join(tmpdir(), `pseud-nobody-${randomBytes(8).toString("hex")}`)}`;
    const client = closeAfter(new Client("greeter", { logger: silentLogger }));
    client.connect(endpoint);
    // The send gives up at its own deadline, long before the call's timeout.
    const error = await client.call("hello", [], {}, { timeoutMs: 60_000, sendDeadlineMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).message).toBe(`server "greeter" at ${endpoint} is not connected`);
  });
});
