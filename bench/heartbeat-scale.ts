/**
 * Heartbeats at scale: a server with 1,000 connected clients (in several
 * processes), its memory per peer, and the CPU it spends on heartbeats per
 * second (its CPU with heartbeats on, less the same with them off).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Server, silentLogger } from "pseud";
import type { Figure } from "./stats.js";

const CLIENT_SCRIPT = fileURLToPath(new URL("./scale-clients.ts", import.meta.url));

async function startClients(processes: number, perProcess: number, endpoint: string, interval: string): Promise<ChildProcess[]> {
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ["--import", "tsx", CLIENT_SCRIPT, String(perProcess), endpoint, interval], { stdio: ["pipe", "pipe", "inherit"] }),
  );
  await Promise.all(children.map((child) => once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")));
  return children;
}

async function stopClients(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      child.stdin?.end();
      return once(child, "exit");
    }),
  );
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** CPU (user + system) this process spends per second of wall time over `ms`. */
async function cpuPerSecond(ms: number): Promise<number> {
  const start = process.cpuUsage();
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / ((performance.now() - began) / 1000);
}

export async function heartbeatScaleFigures(quick: boolean): Promise<Figure[]> {
  const peers = 1_000;
  const processes = 4;
  const intervalMs = 1_000;
  const window = quick ? 3_000 : 10_000;
  const results: Record<string, number> = {};
  for (const mode of ["interval", "none"] as const) {
    const server = new Server("scale", { logger: silentLogger, heartbeat: mode === "none" ? { plugin: "none" } : { plugin: "interval", intervalMs } });
    server.register("ping", () => "pong");
    const endpoint = await server.bind("tcp://127.0.0.1:*");
    gc();
    const before = process.memoryUsage();
    const children = await startClients(processes, peers / processes, endpoint, mode === "none" ? "none" : String(intervalMs));
    if (server.peers().length !== peers) throw new Error(`expected ${peers} peers, got ${server.peers().length}`);
    await new Promise((resolve) => setTimeout(resolve, 2 * intervalMs)); // heartbeats under way
    gc();
    const after = process.memoryUsage();
    results[`${mode}.heap`] = (after.heapUsed - before.heapUsed) / peers;
    results[`${mode}.rss`] = (after.rss - before.rss) / peers;
    results[`${mode}.cpu`] = await cpuPerSecond(window);
    results[`${mode}.peers`] = server.peers().length;
    await stopClients(children);
    await server.close();
  }
  const fig = (name: string, unit: string, value: number): Figure => ({ name, unit, min: value, median: value, max: value });
  return [
    fig(`server heap per peer (${peers} clients, ${processes} processes)`, "bytes", results["interval.heap"] ?? 0),
    fig(`server RSS per peer (${peers} clients)`, "bytes", results["interval.rss"] ?? 0),
    fig(`server CPU, ${peers} idle clients, heartbeats every ${intervalMs} ms`, "ms/s", results["interval.cpu"] ?? 0),
    fig(`server CPU, ${peers} idle clients, heartbeats off`, "ms/s", results["none.cpu"] ?? 0),
    fig("server CPU spent on heartbeats (difference)", "ms/s", (results["interval.cpu"] ?? 0) - (results["none.cpu"] ?? 0)),
  ];
}
