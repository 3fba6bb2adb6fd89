import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CallContext, Client, type PeerInfo, PeerLostError, RemoteError, Server, ServiceNotFoundError, silentLogger } from "pseud";
import { afterThisTest, closeAfter } from "../helpers.js";

/**
 * The core of the protocol over each of ZeroMQ's transports, as zeromq.js
 * tests its sockets: a call each way, keyword arguments, remote errors, and
 * a client that leaves. (inproc needs both sockets in one ZeroMQ context:
 * without security, pseud's sockets share the default one.)
 */
const TRANSPORTS = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => {
    const dir = mkdtempSync(join(tmpdir(), "pseud-transport-"));
    afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
    return `ipc://${join(dir, "svc.sock")}`;
  },
  inproc: () => `inproc://pseud-${randomBytes(8).toString("hex")}`,
} as const;

describe.each(Object.entries(TRANSPORTS))("over %s", (_name, address) => {
  async function pair() {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    server.register("add", (a: number, b: number) => a + b, { params: ["a", "b"] });
    server.register("fail", () => {
      throw new RangeError("out of range");
    });
    server.register("ask.back", async (context: CallContext, n: number) => (await server.sendTo(context.peer).call("double", [n])) as number + 1, {
      withContext: true,
    });
    const endpoint = await server.bind(address());
    const client = closeAfter(new Client("svc", { logger: silentLogger }));
    client.register("double", (n: number) => n * 2);
    client.register("never", () => new Promise(() => {}));
    const connected = new Promise<PeerInfo>((resolve) => server.once("peer:connected", resolve));
    client.connect(endpoint);
    return { server, client, peer: await connected };
  }

  it("serves calls each way, with keyword arguments and remote errors", async () => {
    const { server, client, peer } = await pair();
    expect(await client.call("add", [2], { b: 3 })).toBe(5);
    expect(await client.call("ask.back", [20])).toBe(41);
    expect(await server.sendTo(peer.routingId).call("double", [4])).toBe(8);
    await expect(client.call("fail")).rejects.toMatchObject({ constructor: RemoteError, remoteClass: "RangeError" });
    await expect(client.call("nope")).rejects.toBeInstanceOf(ServiceNotFoundError);
  });

  it("fails the server's pending call to a client that closes, and announces it lost", async () => {
    const { server, client, peer } = await pair();
    const lost = new Promise<string>((resolve) => server.once("peer:lost", (_peer, reason) => resolve(reason)));
    const pending = server.sendTo(peer.routingId).call("never", [], {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    await expect(client.call("add", [1, 1])).resolves.toBe(2); // the WORK to "never" went out before this call's reply came
    await client.close();
    expect(await pending).toBeInstanceOf(PeerLostError);
    expect(await lost).toBe("disconnected");
    expect(server.peers()).toEqual([]);
  });
});
