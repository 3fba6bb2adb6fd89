/**
 * Scale-out: calls/s of one ClientPool over 1 and over 2 server processes
 * on this machine, at 100 in flight, for an echo and for a handler that
 * spends 200 µs of CPU per call. Rounds alternate between the two.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ClientPool, silentLogger } from "pseud";
import { type Figure, median } from "./stats.js";

const SERVER_SCRIPT = fileURLToPath(new URL("./replica-server.ts", import.meta.url));
const IN_FLIGHT = 100;

async function startServer(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER_SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
  const [endpoint] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")) as [string];
  return { child, endpoint };
}

/** Calls/s over `ms`, with IN_FLIGHT calls always outstanding. */
async function callsPerSecond(pool: ClientPool, method: string, args: unknown[], ms: number): Promise<number> {
  let done = 0;
  const until = performance.now() + ms;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        await pool.call(method, args);
        done++;
      }
    }),
  );
  return done / ((performance.now() - began) / 1_000);
}

export async function replicaFigures(quick: boolean): Promise<Figure[]> {
  const servers = await Promise.all([startServer(), startServer()]);
  const pools = {
    1: new ClientPool("replica", [servers[0]?.endpoint as string], { logger: silentLogger }),
    2: new ClientPool("replica", servers.map((s) => s.endpoint), { logger: silentLogger }),
  };
  for (const pool of Object.values(pools)) await callsPerSecond(pool, "echo", ["warm"], 500);
  const ms = quick ? 1_000 : 3_000;
  const cases = [
    ["echo 20 B", "echo", ["x".repeat(20)]],
    ["200 µs of CPU per call", "work", [200]],
  ] as const;
  const figures: Figure[] = [];
  for (const [label, method, args] of cases) {
    const measured: Record<number, number[]> = { 1: [], 2: [] };
    // Interleaved rounds: one server, then two, again and again, so that both meet the same machine.
    for (let round = 0; round < (quick ? 3 : 5); round++) {
      for (const n of [1, 2] as const) measured[n]?.push(await callsPerSecond(pools[n], method, [...args], ms));
    }
    for (const n of [1, 2] as const) {
      const values = measured[n] ?? [];
      figures.push({
        name: `ClientPool, ${label}, ${IN_FLIGHT} in flight, ${n} server process${n === 1 ? "" : "es"}`,
        unit: "calls/s",
        min: Math.min(...values),
        median: median(values),
        max: Math.max(...values),
      });
    }
  }
  await Promise.all(Object.values(pools).map((p) => p.close()));
  for (const { child } of servers) {
    child.stdin?.end();
    await once(child, "exit");
  }
  return figures;
}
