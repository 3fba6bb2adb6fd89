/**
 * The caller of one kind of the call benchmarks (see call-kinds.ts), in a
 * process of its own: calls.ts forks one per kind and drives them in turn
 * over the IPC channel, one {@link Command} at a time, each answered with one
 * {@link Reply} (and one Reply first, when it is ready). Exits when the channel closes. Keys come in BENCH_KEYS (JSON).
 * Usage (forked, with an IPC channel): bench/call-client.ts <kind>
 */
import { readdirSync, readFileSync } from "node:fs";
import { raiseMallocThresholds } from "../runtime/transport/malloc-thresholds.js";
import { type BenchKeys, type Caller, type Kind, KINDS, makeCaller, type PayloadName } from "./call-kinds.js";

export type Command =
  /** Connects a caller of this process's kind (closing the one before), makes one call (connecting, authenticating), then warms up for `warmMs`. */
  | { readonly op: "open"; readonly endpoint: string; readonly payload: PayloadName; readonly serverPid: number; readonly warmMs: number }
  /** {@link Round}: `concurrency` calls kept in flight for `ms`. */
  | { readonly op: "throughput"; readonly concurrency: number; readonly ms: number }
  /** The latencies (ms) of sequential calls for `ms`, unsorted. */
  | { readonly op: "latencies"; readonly ms: number }
  | { readonly op: "close" };

export type Reply = { readonly ok: Round | number[] | null } | { readonly error: string };

/** One round: calls per second, and CPU µs per call on each side. */
export interface Round {
  readonly rate: number;
  readonly clientCpuUs: number;
  readonly serverCpuUs: number;
}

// The allocator settings pseud's first socket gives its process, in every kind's (the raw echoes make no pseud socket).
raiseMallocThresholds();
const kind = process.argv[2] as Kind;
if (!KINDS.includes(kind)) throw new Error(`unknown kind ${JSON.stringify(kind)}; one of ${KINDS.join(", ")}`);
const keys = JSON.parse(process.env.BENCH_KEYS ?? "{}") as BenchKeys;
let caller: Caller | undefined;
let serverPid = 0;

async function run(command: Command): Promise<Round | number[] | null> {
  switch (command.op) {
    case "open":
      await caller?.close();
      caller = makeCaller(kind, command.endpoint, command.payload, keys);
      serverPid = command.serverPid;
      await caller.call();
      await throughput(caller, 10, command.warmMs); // JIT
      return null;
    case "throughput":
      return throughput(opened(), command.concurrency, command.ms);
    case "latencies":
      return latencies(opened(), command.ms);
    case "close":
      await caller?.close();
      caller = undefined;
      return null;
  }
}

function opened(): Caller {
  if (caller === undefined) throw new Error("no caller: send open first");
  return caller;
}

/** Calls per second with `concurrency` calls kept in flight for `ms`, and what they cost each side. */
async function throughput(caller: Caller, concurrency: number, ms: number): Promise<Round> {
  let done = 0;
  const until = performance.now() + ms;
  const started = performance.now();
  const clientCpu = process.cpuUsage();
  const serverCpu = processCpuUs(serverPid);
  const worker = async () => {
    while (performance.now() < until) {
      await caller.call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const client = process.cpuUsage(clientCpu);
  return {
    rate: done / ((performance.now() - started) / 1000),
    clientCpuUs: (client.user + client.system) / done,
    serverCpuUs: (processCpuUs(serverPid) - serverCpu) / done,
  };
}

async function latencies(caller: Caller, ms: number): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const start = performance.now();
    await caller.call();
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * CPU time (µs) a process's threads have run, from /proc (the server's
 * process is not ours to ask): the sum of each thread's schedstat, which
 * counts in nanoseconds; /proc/<pid>/stat counts in clock ticks (10 ms here),
 * too coarse for a round of 0.5 s. A thread that ends within a round takes
 * its time with it; the servers' threads (main, libzmq's I/O thread, V8's
 * and libuv's workers) live as long as the process.
 */
function processCpuUs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1000;
}

process.on("message", (command: Command) => {
  run(command).then(
    (ok) => process.send?.({ ok } satisfies Reply),
    (error: unknown) => process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ok: null } satisfies Reply); // ready
