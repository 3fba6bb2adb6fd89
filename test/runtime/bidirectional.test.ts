import { describe, expect, it } from "vitest";
import { type CallContext, Client, type PeerInfo, RemoteError, Server, ServiceNotFoundError, silentLogger } from "pseud";
import { closeAfter } from "../helpers.js";

async function pair() {
  const server = closeAfter(new Server("svc", { logger: silentLogger }));
  const endpoint = await server.bind("tcp://127.0.0.1:*");
  const client = closeAfter(new Client("svc", { logger: silentLogger }));
  return { server, client, endpoint };
}

describe("calls from server to client", () => {
  it("announces a connecting client and lists it in peers()", async () => {
    const { server, client, endpoint } = await pair();
    const connected = new Promise<PeerInfo>((resolve) => server.once("peer:connected", resolve));
    client.connect(endpoint); // the probe alone announces it: no call needed
    const peer = await connected;
    expect(peer.routingId.length).toBeGreaterThan(0);
    expect(server.peers().map((p) => p.routingId.toString("hex"))).toEqual([peer.routingId.toString("hex")]);
    expect(peer.connectedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("calls a method the client registered, by the routing id peers() gives", async () => {
    const { server, client, endpoint } = await pair();
    client.register("draw.me.a.sheep", (size: string) => `a ${size} sheep`);
    const connected = new Promise<PeerInfo>((resolve) => server.once("peer:connected", resolve));
    client.connect(endpoint);
    const { routingId } = await connected;
    expect(await server.sendTo(routingId).call("draw.me.a.sheep", ["small"])).toBe("a small sheep");
    expect(await server.sendTo(routingId).remote.draw!.me!.a!.sheep!("big")).toBe("a big sheep");
  });

  it("gets the client's errors back as remote errors", async () => {
    const { server, client, endpoint } = await pair();
    client.register("refuse", () => {
      throw new Error("the client says no");
    });
    const connected = new Promise<PeerInfo>((resolve) => server.once("peer:connected", resolve));
    client.connect(endpoint);
    const peer = server.sendTo((await connected).routingId);
    await expect(peer.call("refuse")).rejects.toBeInstanceOf(RemoteError);
    await expect(peer.call("not.there")).rejects.toBeInstanceOf(ServiceNotFoundError);
  });

  it("lets a handler call back the client that called it, while that call is pending", async () => {
    const { server, client, endpoint } = await pair();
    client.register("client.double", (n: number) => n * 2);
    server.register(
      "ask.back",
      async (context: CallContext, n: number) => {
        const doubled = (await server.sendTo(context.peer).call("client.double", [n])) as number;
        return doubled + 1;
      },
      { withContext: true },
    );
    client.connect(endpoint);
    expect(await client.call("ask.back", [20])).toBe(41);
  });

  it("tells two clients apart", async () => {
    const { server, endpoint } = await pair();
    const names = ["first", "second"];
    const peers: Buffer[] = [];
    server.on("peer:connected", (p) => peers.push(p.routingId));
    for (const name of names) {
      const client = closeAfter(new Client("svc", { logger: silentLogger }));
      client.register("whoami", () => name);
      client.connect(endpoint);
      await expect.poll(() => peers.length).toBe(names.indexOf(name) + 1);
    }
    const answers = await Promise.all(peers.map((id) => server.sendTo(id).call("whoami")));
    expect(answers).toEqual(names);
  });
});
