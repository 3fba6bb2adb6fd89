import { Client, PseudError, Server, silentLogger, UnreachableError } from "pseud";
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
    // Nothing listens there: the call cannot be delivered, and says to whom.
    const placeholder = closeAfter(new Server("placeholder", { logger: silentLogger }));
    const endpoint = await placeholder.bind("tcp://127.0.0.1:*");
    await placeholder.close();
    const client = closeAfter(new Client("greeter", { logger: silentLogger }));
    client.connect(endpoint);
    // The send's retries and the call's timer share one deadline, so either may end the call first
    // (separate deadlines are the runtime-shape issue's): try until the send's error shows.
    let error: unknown;
    for (let attempt = 0; attempt < 20 && !(error instanceof UnreachableError); attempt++) {
      error = await client.call("hello", [], {}, { timeoutMs: 30 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PseudError);
    }
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).message).toBe(`server "greeter" at ${endpoint} is not connected`);
  });
});
