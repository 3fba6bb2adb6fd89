import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CallContext, Client, RemoteError, Server, ServiceNotFoundError, silentLogger } from "pseud";
import { afterThisTest, closeAfter } from "../helpers.js";
import { startPythonServer } from "../interop/python-peer.js";
import { asTrustedCurve, KEYS, securedClient, trustedCurveServer } from "../security/secured.js";

/**
 * Delegation (the reference's proxy_to): a gateway reached over CURVE hands
 * the calls it has no method for to an inner server on plain ipc.
 */
function ipcEndpoint(): string {
  const dir = mkdtempSync(join(tmpdir(), "pseud-proxy-"));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return `ipc://${join(dir, "inner.sock")}`;
}

/** The gateway: "svc" over trusted_curve, with one method of its own. */
async function gateway() {
  const server = closeAfter(new Server("svc", { logger: silentLogger, security: trustedCurveServer }));
  server.register("local", () => "from the gateway");
  server.register("whoami", (context: CallContext) => `gateway sees ${context.identity}`, { withContext: true });
  return { server, endpoint: await server.bind("tcp://127.0.0.1:*") };
}

/** A client of the inner server, named `name`, closed after the test. */
function innerClient(name: string, endpoint: string, timeoutMs = 5_000): Client {
  const client = closeAfter(new Client(name, { logger: silentLogger, timeoutMs }));
  client.connect(endpoint);
  return client;
}

describe("Server.proxyTo: a call no registration admits goes to another server", () => {
  it("passes results, remote errors and ServiceNotFoundError on unchanged; local methods come first", async () => {
    const inner = closeAfter(new Server("inner", { logger: silentLogger }));
    inner.register("add", (a: number, b: number) => a + b, { params: ["a", "b"] });
    inner.register("local", () => "from the inner server");
    inner.register("fail", () => {
      throw new RangeError("too far");
    });
    const { server, endpoint } = await gateway();
    server.proxyTo(innerClient("inner", await inner.bind(ipcEndpoint())));
    const alice = securedClient(endpoint, asTrustedCurve("alice"));
    expect(await alice.call("add", [2], { b: 3 })).toBe(5);
    expect(await alice.call("local")).toBe("from the gateway");
    await expect(alice.call("fail")).rejects.toMatchObject({ constructor: RemoteError, remoteClass: "RangeError", remoteMessage: "too far" });
    await expect(alice.call("nope")).rejects.toBeInstanceOf(ServiceNotFoundError);
    server.proxyTo(() => {
      throw new TypeError("no route");
    });
    await expect(alice.call("add", [1, 1])).rejects.toMatchObject({ remoteClass: "TypeError", remoteMessage: "no route" }); // answered, not left to time out
    server.proxyTo(undefined);
    await expect(alice.call("add", [1, 1])).rejects.toBeInstanceOf(ServiceNotFoundError);
  });

  it("picks the target by the caller's identity: a client per identity carries it to the inner server", async () => {
    const inner = closeAfter(new Server("inner", { logger: silentLogger, security: { plugin: "trusted_peer" } }));
    inner.register("whoami", (context: CallContext) => `inner sees ${context.identity}`, { withContext: true });
    inner.register("secret", () => "the secret");
    const innerEndpoint = await inner.bind(ipcEndpoint());
    const { server, endpoint } = await gateway();
    server.register("who.local", (context: CallContext) => context.identity, { withContext: true });
    // trusted_peer inside: the inner server trusts the login the gateway gives, which is the identity the gateway proved over CURVE.
    const perIdentity = new Map<string, Client>();
    server.proxyTo((context) => {
      if (context.identity !== "alice" && context.identity !== "admin") return undefined;
      let client = perIdentity.get(context.identity);
      if (client === undefined) {
        client = closeAfter(new Client("inner", { logger: silentLogger, security: { plugin: "trusted_peer", login: context.identity, password: "unchecked" } }));
        client.connect(innerEndpoint);
        perIdentity.set(context.identity, client);
      }
      return client;
    });
    expect(await securedClient(endpoint, asTrustedCurve("alice")).call("whoami")).toBe("gateway sees alice");
    expect(await securedClient(endpoint, asTrustedCurve("admin")).call("secret")).toBe("the secret");
    const unknownKey = { ...asTrustedCurve("alice"), keyPair: KEYS.mallory };
    await expect(securedClient(endpoint, unknownKey).call("secret")).rejects.toThrow(); // not even let in by ZAP
    // The inner server knows each caller by the identity the gateway proved.
    const innerWhoami = await perIdentity.get("admin")?.call("whoami");
    expect(innerWhoami).toBe("inner sees admin");
  });

  it("delegates to the Python reference: positional and keyword arguments, its exceptions by class", async () => {
    const { endpoint: pythonEndpoint } = await startPythonServer("pysvc");
    const { server, endpoint } = await gateway();
    server.proxyTo(innerClient("pysvc", pythonEndpoint));
    const alice = securedClient(endpoint, asTrustedCurve("alice"));
    expect(await alice.call("hello", ["Charly"])).toBe("Hello Charly");
    expect(await alice.call("kw", [1], { c: 30 })).toEqual([1, 2, 30]);
    await expect(alice.call("fail", ["no"])).rejects.toMatchObject({ remoteClass: "ValueError", remoteMessage: "no" });
    await expect(alice.call("not.there")).rejects.toBeInstanceOf(ServiceNotFoundError);
  });

  it("an inner server that does not answer in the delegating client's timeout fails the call with its TimeoutError, by class", async () => {
    const inner = closeAfter(new Server("inner", { logger: silentLogger }));
    inner.register("hang", () => new Promise(() => {}));
    const { server, endpoint } = await gateway();
    server.proxyTo(innerClient("inner", await inner.bind(ipcEndpoint()), 200));
    const alice = securedClient(endpoint, asTrustedCurve("alice"), 10_000);
    await expect(alice.call("hang")).rejects.toMatchObject({ constructor: RemoteError, remoteClass: "TimeoutError" });
    expect(server.load().callsInFlight).toBe(0); // released once settled
  });
});
