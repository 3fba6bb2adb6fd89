/**
 * Call benchmarks: pseud calls against the transport's own limit (a raw
 * zeromq.js DEALER ↔ ROUTER echo of the same payload) and against what a user
 * would pick instead (gRPC unary), all measured in this run, the servers in
 * another process.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { Dealer } from "zeromq";
import { Client, generateKeyPair, silentLogger } from "pseud";
import { EchoClientConstructor } from "./grpc-echo.js";
import { type Figure, rounds } from "./stats.js";

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

/** A raw DEALER: sends the payload, the ROUTER echoes it; replies come back in order, so a queue matches them. */
function rawCaller(endpoint: string, payload: Buffer): Caller {
  const dealer = new Dealer({ linger: 0 });
  dealer.connect(endpoint);
  const waiting: (() => void)[] = [];
  void (async () => {
    for await (const _ of dealer) waiting.shift()?.();
  })().catch(() => {});
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push(resolve);
        dealer.send(payload).catch(reject);
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

/** Calls per second with `concurrency` calls kept in flight for `ms`. */
async function throughput(caller: Caller, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const until = performance.now() + ms;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      await caller.call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** Latencies (ms) of sequential calls for `ms`. */
async function latencies(caller: Caller, ms: number): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const start = performance.now();
    await caller.call();
    out.push(performance.now() - start);
  }
  return out.sort((a, b) => a - b);
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export interface CallFigure extends Figure {
  /** What the ratio columns compare with: the raw and gRPC figures of the same payload and concurrency. */
  readonly rawName?: string;
  readonly grpcName?: string;
}

export async function callFigures(quick: boolean): Promise<CallFigure[]> {
  const serverKeys = generateKeyPair();
  const clientKeys = generateKeyPair();
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./echo-servers.ts", import.meta.url))], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, BENCH_KEYS: JSON.stringify({ server: serverKeys, client: clientKeys }) },
  });
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")) as [string];
  const endpoints = JSON.parse(line) as { raw: string; pseud: string; pseudCurve: string; grpc: string };
  const n = quick ? 2 : 5;
  const ms = quick ? 700 : 2_000;
  const figures: CallFigure[] = [];
  try {
    for (const [payloadName, payload] of Object.entries(PAYLOADS) as [PayloadName, (typeof PAYLOADS)[PayloadName]][]) {
      const makers: [string, () => Caller][] = [
        ["raw ZeroMQ echo", () => rawCaller(endpoints.raw, payload.bytes)],
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
      for (const [kind, make] of makers) {
        const caller = make();
        await throughput(caller, 10, quick ? 300 : 1_000); // warm-up: connections, JIT
        for (const concurrency of [1, 100]) {
          const name = `${kind}, ${payloadName}, ${concurrency} in flight`;
          const stats = await rounds(n, () => throughput(caller, concurrency, ms));
          figures.push({
            name,
            unit: "calls/s",
            ...stats,
            rawName: `raw ZeroMQ echo, ${payloadName}, ${concurrency} in flight`,
            grpcName: `grpc-js unary, ${payloadName}, ${concurrency} in flight`,
          });
        }
        const sorted = await latencies(caller, ms * n);
        for (const p of [50, 99]) {
          figures.push({
            name: `${kind}, ${payloadName}, latency p${p} (1 in flight)`,
            unit: "µs",
            min: percentile(sorted, p) * 1000,
            median: percentile(sorted, p) * 1000,
            max: percentile(sorted, p) * 1000,
            rawName: `raw ZeroMQ echo, ${payloadName}, latency p${p} (1 in flight)`,
            grpcName: `grpc-js unary, ${payloadName}, latency p${p} (1 in flight)`,
          });
        }
        await caller.close();
      }
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
