/**
 * Call benchmarks: pseud calls against the protocol's own ceiling (a raw
 * zeromq.js echo of the same six-frame shape a pseud message has, security
 * off and CURVE), beside the same echo with each body copied into fresh
 * memory before each send, on both sides (what any serialiser pays), against
 * the transport's limit (a raw echo of one frame), and against what a user
 * would pick instead (gRPC unary), all measured in this run (the kinds are in
 * call-kinds.ts). Each kind's server and client run in two processes of
 * their own, started once and kept across rounds, so that no kind runs in a
 * heap another kind grew or with its collections; every one of them loads
 * the same modules (call-kinds.ts imports all), so each starts from the same
 * heap, as large as a small service's. Beside calls/s, the CPU
 * time each side spent per call: the steadier figure on a shared machine.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { generateKeyPair } from "pseud";
import type { Command, Reply, Round } from "./call-client.js";
import { ceilingOf, KIND_GROUPS, type Kind, KINDS, PAYLOADS, type PayloadName } from "./call-kinds.js";
import { type Figure, median, spread } from "./stats.js";

export interface CallFigure extends Figure {
  /** What the ratio columns compare with: the ceiling (the raw six-frame echo, CURVE for CURVE), the raw one-frame echo and gRPC, of the same payload and concurrency. */
  readonly ceilingName?: string;
  readonly rawName?: string;
  readonly grpcName?: string;
  /** Calls/s of each round, in order: round i of every kind of one payload and concurrency ran back to back. */
  readonly rounds?: readonly number[];
  /** Median CPU µs per call, each side. */
  readonly clientCpuUs?: number;
  readonly serverCpuUs?: number;
}

/** Starts every kind's two processes, measures them (`quick`: 5 rounds of 0.5 s, else 7 of 1.5 s) and stops them, whatever happened. */
export async function callFigures(quick: boolean): Promise<CallFigure[]> {
  const env = { ...process.env, BENCH_KEYS: JSON.stringify({ server: generateKeyPair(), client: generateKeyPair() }) };
  const started = await Promise.allSettled(KINDS.map((kind) => startKind(kind, env)));
  const kinds = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  try {
    for (const s of started) if (s.status === "rejected") throw s.reason;
    return await measure(kinds, quick);
  } finally {
    await Promise.all(kinds.map((k) => k.stop()));
  }
}

async function measure(kinds: readonly KindProcesses[], quick: boolean): Promise<CallFigure[]> {
  const n = quick ? 5 : 7;
  const ms = quick ? 500 : 1_500;
  const figures: CallFigure[] = [];
  for (const payload of Object.keys(PAYLOADS) as PayloadName[]) {
    for (const k of kinds) await k.request({ op: "open", endpoint: k.endpoint, payload, serverPid: k.serverPid, warmMs: quick ? 300 : 1_000 });
    for (const concurrency of [1, 100]) {
      const measured = new Map(kinds.map(({ kind }) => [kind, [] as Round[]]));
      for (let round = 0; round < n; round++) {
        for (const k of roundOrder(kinds, round)) measured.get(k.kind)?.push((await k.request({ op: "throughput", concurrency, ms })) as Round);
      }
      for (const [kind, runs] of measured) {
        figures.push({
          name: `${kind}, ${payload}, ${concurrency} in flight`,
          unit: "calls/s",
          ...spread(runs.map((r) => r.rate)),
          rounds: runs.map((r) => r.rate),
          clientCpuUs: median(runs.map((r) => r.clientCpuUs)),
          serverCpuUs: median(runs.map((r) => r.serverCpuUs)),
          ...baselines(kind, payload, `${concurrency} in flight`),
        });
      }
    }
    const samples = new Map(kinds.map(({ kind }) => [kind, [] as number[]]));
    for (let round = 0; round < n; round++) {
      for (const k of roundOrder(kinds, round)) samples.get(k.kind)?.push(...((await k.request({ op: "latencies", ms })) as number[]));
    }
    for (const [kind, values] of samples) {
      const sorted = values.sort((a, b) => a - b);
      for (const p of [50, 99]) {
        const us = percentile(sorted, p) * 1000;
        figures.push({ name: `${kind}, ${payload}, latency p${p} (1 in flight)`, unit: "µs", min: us, median: us, max: us, ...baselines(kind, payload, `latency p${p} (1 in flight)`) });
      }
    }
    for (const k of kinds) await k.request({ op: "close" });
  }
  return figures;
}

/**
 * The kinds in the order round `round` runs them. Rounds interleave (round i
 * of every kind runs before round i + 1 of any), so a slow patch of the
 * shared machine falls on all kinds; each pseud kind runs right beside its
 * ceiling, first in one round and second in the next; and the groups rotate
 * from round to round, so no kind always runs first or last.
 */
function roundOrder(kinds: readonly KindProcesses[], round: number): KindProcesses[] {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const shift = round % KIND_GROUPS.length;
  const groups = [...KIND_GROUPS.slice(shift), ...KIND_GROUPS.slice(0, shift)];
  return groups.flatMap((group) => (round % 2 === 0 ? group : [...group].reverse())).map((kind) => byKind.get(kind) as KindProcesses);
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** The names of the figures a figure of `kind` is compared with. */
function baselines(kind: Kind, payload: PayloadName, what: string): Pick<CallFigure, "ceilingName" | "rawName" | "grpcName"> {
  return {
    ceilingName: `${ceilingOf(kind)}, ${payload}, ${what}`,
    rawName: `raw ZeroMQ echo, ${payload}, ${what}`,
    grpcName: `grpc-js unary, ${payload}, ${what}`,
  };
}

/** One kind's server and client processes. */
interface KindProcesses {
  readonly kind: Kind;
  readonly endpoint: string;
  readonly serverPid: number;
  /** Sends one command to the client process; resolves with its reply, rejects on its error or exit. */
  request(command: Command): Promise<Round | number[] | null>;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = fileURLToPath(new URL("./call-server.ts", import.meta.url));
const CLIENT_SCRIPT = fileURLToPath(new URL("./call-client.ts", import.meta.url));

async function startKind(kind: Kind, env: NodeJS.ProcessEnv): Promise<KindProcesses> {
  const server = spawn(process.execPath, ["--import", "tsx", SERVER_SCRIPT, kind], { stdio: ["pipe", "pipe", "inherit"], env });
  let client: ChildProcess | undefined;
  const stop = async () => {
    if (client?.connected) client.disconnect();
    server.stdin?.end();
    await Promise.all([client && ended(client), ended(server)]);
  };
  try {
    const endpoint = await firstLine(server, `${kind} server`);
    const forked = fork(CLIENT_SCRIPT, [kind], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], env });
    client = forked;
    const reply = (during: string, timeoutMs: number) => nextReply(forked, server, kind, during, timeoutMs);
    await reply("start", START_TIMEOUT_MS); // ready: it listens for commands
    return {
      kind,
      endpoint,
      serverPid: server.pid as number,
      request: (command) => {
        const replied = reply(command.op, commandTimeoutMs(command));
        forked.send(command);
        return replied;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** How long a process may take to start, and a command beyond the time it is given: far more than either needs. */
const START_TIMEOUT_MS = 60_000;
const commandTimeoutMs = (command: Command): number =>
  START_TIMEOUT_MS + (command.op === "open" ? command.warmMs : command.op === "close" ? 0 : command.ms);

/** The endpoint a server process prints; rejects if it exits or stays silent first. */
function firstLine(server: ChildProcess, who: string): Promise<string> {
  return settleOnce<string>(server, undefined, who, "start", START_TIMEOUT_MS, (resolve) => {
    createInterface({ input: server.stdout as NodeJS.ReadableStream }).once("line", resolve);
  });
}

/** The next reply of a client process: its value; a rejection with its error, or if it or its server exits first, or after `timeoutMs`. */
function nextReply(client: ChildProcess, server: ChildProcess, kind: Kind, during: string, timeoutMs: number): Promise<Round | number[] | null> {
  return settleOnce<Round | number[] | null>(client, server, kind, during, timeoutMs, (resolve, reject) => {
    client.once("message", (reply: Reply) => ("error" in reply ? reject(new Error(`${kind} client: ${reply.error}`)) : resolve(reply.ok)));
  });
}

/**
 * A promise that `listen` settles, or that rejects when `child` (or `other`)
 * exits first, or after `timeoutMs`: a bench whose processes die or hang
 * fails, naming the kind and the step, instead of waiting for ever.
 */
function settleOnce<T>(
  child: ChildProcess,
  other: ChildProcess | undefined,
  who: string,
  during: string,
  timeoutMs: number,
  listen: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(new Error(`${who}: a process exited (code ${code}, signal ${signal}) during ${during}`));
    const timer = setTimeout(() => fail(new Error(`${who}: no answer within ${timeoutMs} ms during ${during}`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off("exit", onExit);
      other?.off("exit", onExit);
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    child.on("exit", onExit);
    other?.on("exit", onExit);
    listen(
      (value) => {
        done();
        resolve(value);
      },
      fail,
    );
  });
}

/** Waits for a process to exit; kills it if it has not within {@link STOP_GRACE_MS}. */
async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await once(child, "exit");
  clearTimeout(timer);
}
const STOP_GRACE_MS = 5_000;
