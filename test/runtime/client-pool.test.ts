import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CallContext, ClientPool, type ClientPoolOptions, PeerLostError, Server, silentLogger, TimeoutError } from "pseud";
import { afterThisTest, closeAfter, deferred } from "../helpers.js";

/** An ipc endpoint in a fresh directory: a replica restarted there gets its address back at once (no TCP port to wait for). */
function ipcEndpoint(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pseud-pool-"));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return `ipc://${join(dir, `${name}.sock`)}`;
}

/** Three replicas of "svc" in this process, each telling which it is; and a pool of clients over them. */
async function replicas(count = 3, options: ClientPoolOptions = {}) {
  const release = deferred();
  const servers: Server[] = [];
  const endpoints: string[] = [];
  for (let i = 0; i < count; i++) {
    const server = closeAfter(new Server("svc", { logger: silentLogger }));
    server.register("which", () => i);
    server.register("slow", async () => {
      await release.promise;
      return i;
    });
    server.register("hold", () => new Promise(() => {}));
    server.register("ask.back", async (context: CallContext) => [i, await server.sendTo(context.peer).call("who.are.you")], { withContext: true });
    servers.push(server);
    endpoints.push(await server.bind(ipcEndpoint(`replica${i}`)));
  }
  const pool = closeAfter(new ClientPool("svc", endpoints, { logger: silentLogger, ...options }));
  await expect.poll(() => pool.liveEndpoints().length).toBe(count);
  return { servers, endpoints, pool, release: () => release.resolve() };
}

describe("ClientPool: one service, several servers", () => {
  it("spreads concurrent calls by fewest pending: 30 slow calls over 3 servers go 10, 10, 10", async () => {
    const { pool, release } = await replicas();
    const calls = Array.from({ length: 30 }, () => pool.call("slow"));
    release();
    const served = (await Promise.all(calls)) as number[];
    expect([0, 1, 2].map((i) => served.filter((s) => s === i).length)).toEqual([10, 10, 10]);
  });

  it("sends nothing to a server that went away, and takes it back when it returns", async () => {
    const { servers, endpoints, pool } = await replicas();
    const lost = new Promise<string>((resolve) => pool.once("server:lost", (endpoint) => resolve(endpoint)));
    await servers[1]?.close();
    expect(await lost).toBe(endpoints[1]);
    const served = await Promise.all(Array.from({ length: 20 }, () => pool.call("which")));
    expect(served).not.toContain(1);

    const back = closeAfter(new Server("svc", { logger: silentLogger }));
    back.register("which", () => "back");
    const connected = new Promise<string>((resolve) => pool.once("server:connected", resolve));
    await back.bind(endpoints[1] as string);
    expect(await connected).toBe(endpoints[1]);
    const again = await Promise.all(Array.from({ length: 30 }, () => pool.call("which")));
    expect(again.filter((s) => s === "back")).toHaveLength(10);
  });

  it("fails a call pending on a server that dies with PeerLostError (it may have run), unless its method is idempotent: then another server serves it", async () => {
    const { servers, pool } = await replicas(2, { idempotent: ["hold.safe"] });
    for (const [i, server] of servers.entries()) server.register("hold.safe", () => (i === 0 ? new Promise(() => {}) : "served by 1"));
    const pending = pool.call("hold").catch((e: unknown) => e); // to server 0: fewest pending, first on a tie
    const safe = pool.call("hold.safe"); // to server 1 (fewest pending)
    const safeOn0 = pool.call("hold.safe"); // to server 0 again: a tie, first wins
    await expect.poll(() => servers[0]?.load().callsInFlight).toBe(2);
    await servers[0]?.close();
    expect(await pending).toBeInstanceOf(PeerLostError);
    expect(await safeOn0).toBe("served by 1");
    expect(await safe).toBe("served by 1");
  });

  it("each server calls back the member of the pool connected to it", async () => {
    const { pool } = await replicas();
    pool.register("who.are.you", (context: CallContext) => context.peer.toString(), { withContext: true });
    const answers = (await Promise.all(Array.from({ length: 6 }, () => pool.call("ask.back")))) as [number, string][];
    expect(new Set(answers.map(([server]) => server))).toEqual(new Set([0, 1, 2]));
    for (const [, who] of answers) expect(who).toBe("svc"); // the server's routing id, as the member saw it
  });

  it("with no server up, a call waits for the first to come, within its timeout", async () => {
    // Addresses where no server ever was: one that is closing could still take the call, and then fail it as lost.
    const endpoints = [ipcEndpoint("a"), ipcEndpoint("b")];
    const pool = closeAfter(new ClientPool("svc", endpoints, { logger: silentLogger }));
    const result = pool.call("which", [], {}, { timeoutMs: 10_000 });
    const late = closeAfter(new Server("svc", { logger: silentLogger }));
    late.register("which", () => "late");
    await late.bind(endpoints[1] as string);
    expect(await result).toBe("late");
    const lost = new Promise((resolve) => pool.once("server:lost", resolve));
    await late.close();
    await lost;
    await expect(pool.call("which", [], {}, { timeoutMs: 50 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it("refuses a pool without endpoints, or with one twice", () => {
    expect(() => new ClientPool("svc", [])).toThrow(TypeError);
    expect(() => new ClientPool("svc", ["tcp://127.0.0.1:1", "tcp://127.0.0.1:1"])).toThrow(TypeError);
  });
});
