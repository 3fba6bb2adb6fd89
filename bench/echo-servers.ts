/**
 * The servers of the call benchmarks, in a process of their own: a raw
 * zeromq.js ROUTER echo, a pseud server (security off), a pseud server with
 * CURVE (trusted_curve), and a gRPC echo. Prints their endpoints as one JSON
 * line; exits when stdin closes. Keys come in BENCH_KEYS (JSON).
 */
import { Router } from "zeromq";
import { type KeyPair, Server, silentLogger } from "pseud";
import { startGrpcEcho } from "./grpc-echo.js";

const keys = JSON.parse(process.env.BENCH_KEYS ?? "{}") as { server: KeyPair; client: KeyPair };

const raw = new Router({ linger: 0 });
await raw.bind("tcp://127.0.0.1:*");
void (async () => {
  for await (const frames of raw) await raw.send(frames); // [routing id, payload] back as it came
})();

const plain = new Server("bench", { logger: silentLogger, heartbeat: { plugin: "none" } });
plain.register("echo", (value: unknown) => value);
const plainEndpoint = await plain.bind("tcp://127.0.0.1:*");

const curve = new Server("bench", {
  logger: silentLogger,
  heartbeat: { plugin: "none" },
  security: { plugin: "trusted_curve", keyPair: keys.server, clients: { bench: keys.client.publicKey } },
});
curve.register("echo", (value: unknown) => value);
const curveEndpoint = await curve.bind("tcp://127.0.0.1:*");

const grpc = await startGrpcEcho();

process.stdout.write(`${JSON.stringify({ raw: raw.lastEndpoint, pseud: plainEndpoint, pseudCurve: curveEndpoint, grpc: grpc.address })}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
