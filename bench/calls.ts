/**
 * Call benchmarks: pseud calls against the protocol's own ceiling (a raw
 * zeromq.js echo of the same six-frame shape a pseud message has, security
 * off and CURVE), beside the same echo with each body copied into fresh
 * memory before each send, on both sides (what any serialiser pays), against
 * the transport's limit (a raw echo of one frame),
 * and against what a user would pick instead (gRPC unary), all measured in
 * this run, the servers in another process. Beside calls/s, the CPU time
 * each side spent per call: the steadier figure on a shared machine.
 */
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { Dealer } from "zeromq";
import { Client, generateKeyPair, type KeyPair, silentLogger } from "pseud";
import { withFreshLast } from "./fresh-copy.js";
import { EchoClientConstructor } from "./grpc-echo.js";
import { type Figure, median, spread } from "./stats.js";

/** One way of making one echo call. */
interface Caller {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

const PAYLOADS = {
  "20-byte string": { pseud: "x".repeat(20), bytes: Buffer.alloc(20, 120) },
  "64 KiB bytes": { pseud: new Uint8Array(64 * 1024).fill(7), bytes: Buffer.alloc(64 * 1024, 7) },
} as const;
type PayloadName = keyof typeof PAYLOADS;

/**
 * A pseud WORK as the wire carries it from a client, without the routing id
 * its ROUTER strips: ['', 'v1', message id, type, body]. Built once: the
 * ceiling pays no encoding and no bookkeeping.
 */
function sixFrames(body: Buffer): Buffer[] {
  return [Buffer.alloc(0), Buffer.from("v1"), Buffer.alloc(16, 1), Buffer.of(0x03), body];
}

/**
 * A raw DEALER: sends the frames, the ROUTER echoes them; replies come back in
 * order, so a queue matches them. `copying`: each send copies the last frame
 * into fresh memory first.
 */
function rawCaller(endpoint: string, frames: Buffer | Buffer[], options: { curve?: { server: KeyPair; client: KeyPair }; copying?: boolean } = {}): Caller {
  const { curve, copying = false } = options;
  const dealer = new Dealer({
    linger: 0,
    ...(curve ? { curveServerKey: curve.server.publicKey, curvePublicKey: curve.client.publicKey, curveSecretKey: curve.client.secretKey } : {}),
  });
  dealer.connect(endpoint);
  const waiting: (() => void)[] = [];
  void (async () => {
    for await (const _ of dealer) waiting.shift()?.();
  })().catch(() => {});
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push(resolve);
        dealer.send(copying ? withFreshLast(Array.isArray(frames) ? frames : [frames]) : frames).catch(reject);
      }),
    close: async () => dealer.close(),
  };
}

function pseudCaller(client: Client, payload: unknown): Caller {
  return { call: () => client.call("echo", [payload]), close: () => client.close() };
}

function grpcCaller(address: string, payload: Buffer): Caller {
  const client = new EchoClientConstructor(address, grpc.credentials.createInsecure());
  return {
    call: () => new Promise((resolve, reject) => client.echo(payload, (error, reply) => (error ? reject(error) : resolve(reply)))),
    close: async () => client.close(),
  };
}

/** One round: calls per second, and CPU µs per call on each side. */
interface Round {
  readonly rate: number;
  readonly clientCpuUs: number;
  readonly serverCpuUs: number;
}

/** CPU time (user + system, µs) a process has used, from /proc: the servers' process is not ours to ask. */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after "pid (comm) "; in clock ticks (100 a second here).
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / CLOCK_TICKS);
}
const CLOCK_TICKS = 100;

/** Calls per second with `concurrency` calls kept in flight for `ms`, and what they cost each side. */
async function throughput(caller: Caller, concurrency: number, ms: number, serverPid: number): Promise<Round> {
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

/** Latencies (ms) of sequential calls for `ms`, unsorted. */
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

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

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

export async function callFigures(quick: boolean): Promise<CallFigure[]> {
  const serverKeys = generateKeyPair();
  const clientKeys = generateKeyPair();
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./echo-servers.ts", import.meta.url))], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, BENCH_KEYS: JSON.stringify({ server: serverKeys, client: clientKeys }) },
  });
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")) as [string];
  const endpoints = JSON.parse(line) as { raw: string; rawCopying: string; rawCurve: string; pseud: string; pseudCurve: string; grpc: string };
  const serverPid = child.pid as number;
  const curveKeys = { server: serverKeys, client: clientKeys };
  const n = quick ? 5 : 7;
  const ms = quick ? 500 : 1_500;
  const figures: CallFigure[] = [];
  try {
    for (const [payloadName, payload] of Object.entries(PAYLOADS) as [PayloadName, (typeof PAYLOADS)[PayloadName]][]) {
      const makers: [string, () => Caller][] = [
        ["raw ZeroMQ echo", () => rawCaller(endpoints.raw, payload.bytes)],
        ["raw ZeroMQ 6-frame echo", () => rawCaller(endpoints.raw, sixFrames(payload.bytes))],
        ["raw ZeroMQ 6-frame echo, copying", () => rawCaller(endpoints.rawCopying, sixFrames(payload.bytes), { copying: true })],
        ["raw ZeroMQ CURVE 6-frame echo", () => rawCaller(endpoints.rawCurve, sixFrames(payload.bytes), { curve: curveKeys })],
        ["pseud", () => pseudCaller(connected(new Client("bench", { logger: silentLogger, heartbeat: { plugin: "none" } }), endpoints.pseud), payload.pseud)],
        [
          "pseud CURVE",
          () =>
            pseudCaller(
              connected(
                new Client("bench", {
                  logger: silentLogger,
                  heartbeat: { plugin: "none" },
                  security: { plugin: "trusted_curve", keyPair: clientKeys, serverKey: serverKeys.publicKey },
                }),
                endpoints.pseudCurve,
              ),
              payload.pseud,
            ),
        ],
        ["grpc-js unary", () => grpcCaller(endpoints.grpc, payload.bytes)],
      ];
      // Rounds interleave: round i of every kind runs back to back, so a slow patch of the shared machine falls on all of them.
      const callers = makers.map(([kind, make]) => ({ kind, caller: make() }));
      for (const { caller } of callers) {
        await caller.call(); // connect (and authenticate) before anything is measured
        await throughput(caller, 10, quick ? 300 : 1_000, serverPid); // warm-up: JIT
      }
      const ceilingOf = (kind: string) => (kind.includes("CURVE") ? "raw ZeroMQ CURVE 6-frame echo" : "raw ZeroMQ 6-frame echo");
      for (const concurrency of [1, 100]) {
        const measured = new Map(callers.map(({ kind }) => [kind, [] as Round[]]));
        for (let round = 0; round < n; round++) {
          for (const { kind, caller } of callers) measured.get(kind)?.push(await throughput(caller, concurrency, ms, serverPid));
        }
        for (const [kind, runs] of measured) {
          figures.push({
            name: `${kind}, ${payloadName}, ${concurrency} in flight`,
            unit: "calls/s",
            ...spread(runs.map((r) => r.rate)),
            rounds: runs.map((r) => r.rate),
            clientCpuUs: median(runs.map((r) => r.clientCpuUs)),
            serverCpuUs: median(runs.map((r) => r.serverCpuUs)),
            ceilingName: `${ceilingOf(kind)}, ${payloadName}, ${concurrency} in flight`,
            rawName: `raw ZeroMQ echo, ${payloadName}, ${concurrency} in flight`,
            grpcName: `grpc-js unary, ${payloadName}, ${concurrency} in flight`,
          });
        }
      }
      const samples = new Map(callers.map(({ kind }) => [kind, [] as number[]]));
      for (let round = 0; round < n; round++) {
        for (const { kind, caller } of callers) samples.get(kind)?.push(...(await latencies(caller, ms)));
      }
      for (const [kind, values] of samples) {
        const sorted = values.sort((a, b) => a - b);
        for (const p of [50, 99]) {
          figures.push({
            name: `${kind}, ${payloadName}, latency p${p} (1 in flight)`,
            unit: "µs",
            min: percentile(sorted, p) * 1000,
            median: percentile(sorted, p) * 1000,
            max: percentile(sorted, p) * 1000,
            ceilingName: `${ceilingOf(kind)}, ${payloadName}, latency p${p} (1 in flight)`,
            rawName: `raw ZeroMQ echo, ${payloadName}, latency p${p} (1 in flight)`,
            grpcName: `grpc-js unary, ${payloadName}, latency p${p} (1 in flight)`,
          });
        }
      }
      for (const { caller } of callers) await caller.close();
    }
  } finally {
    child.stdin?.end();
    child.kill();
  }
  return figures;
}

function connected(client: Client, endpoint: string): Client {
  client.connect(endpoint);
  return client;
}
