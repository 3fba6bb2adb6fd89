/**
 * The soak: one Server and one Client in this process, PSEUD_SOAK_CALLS
 * calls (default 20,000) kept 100 in flight over tcp://127.0.0.1. Prints one
 * JSON line: calls/s, RSS and heap before and after (after a GC, past a
 * warm-up), the handles and file descriptors open before the peers were made,
 * after the warm-up, at the end of the run, and after the peers were closed
 * (libzmq's context stays, with its threads' descriptors), and what each peer
 * still held. Run with --expose-gc:
 *
 *   PSEUD_SOAK_CALLS=1000000 node --expose-gc --import tsx test/faults/soak.ts
 */
import { readdirSync } from "node:fs";
import { Client, Server, silentLogger } from "pseud";

const calls = Number(process.env.PSEUD_SOAK_CALLS ?? 20_000);
const concurrency = 100;
const warmup = Math.min(20_000, Math.floor(calls / 10));
const gc = (globalThis as { gc?: () => void }).gc;

function memory() {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** Node's active resources by kind (timers…), and the file descriptors open: libzmq's sockets and pipes are not Node resources. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = { fds: readdirSync("/proc/self/fd").length };
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const handlesBefore = handles();
const server = new Server("soak", { logger: silentLogger });
server.register("echo", (value: unknown) => value);
const client = new Client("soak", { logger: silentLogger, timeoutMs: 30_000 });
client.connect(await server.bind("tcp://127.0.0.1:*"));

let issued = 0;
let failures = 0;
let firstFailure: string | undefined;
async function worker(until: number): Promise<void> {
  while (issued < until) {
    const n = issued++;
    try {
      const value = await client.call("echo", [n]);
      if (value !== n) throw new Error(`call ${n} came back as ${String(value)}`);
    } catch (error) {
      failures++;
      firstFailure ??= String(error);
    }
  }
}
const run = (until: number) => Promise.all(Array.from({ length: concurrency }, () => worker(until)));

await run(warmup);
const before = memory();
const handlesAtStart = handles();
const started = process.hrtime.bigint();
await run(calls);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const after = memory();
const handlesAtEnd = handles();
const held = { server: server.load(), client: client.load(), peers: server.peers().length };
await client.close();
await server.close();
await new Promise((resolve) => setImmediate(resolve)); // closed sockets give their handles back on the next turn of the loop
const handlesAfter = handles();

process.stdout.write(
  `${JSON.stringify({
    calls,
    failures,
    firstFailure,
    callsPerSecond: Math.round((calls - warmup) / seconds),
    gcExposed: gc !== undefined,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    held,
    handlesBefore,
    handlesAtStart,
    handlesAtEnd,
    handlesAfter,
  })}\n`,
);
