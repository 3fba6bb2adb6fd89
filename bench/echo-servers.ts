/**
 * The servers of the call benchmarks, in a process of their own: raw
 * zeromq.js ROUTER echoes (security off and CURVE; they send back whatever
 * frames came, so one serves the 1-frame and the 6-frame baselines; and one
 * that copies the body before sending it back), a pseud
 * server (security off), a pseud server with CURVE (trusted_curve), and a
 * gRPC echo. Prints their endpoints as one JSON line; exits when stdin
 * closes. Keys come in BENCH_KEYS (JSON).
 */
import { Router } from "zeromq";
import { type KeyPair, Server, silentLogger } from "pseud";
import { withFreshLast } from "./fresh-copy.js";
import { startGrpcEcho } from "./grpc-echo.js";

const keys = JSON.parse(process.env.BENCH_KEYS ?? "{}") as { server: KeyPair; client: KeyPair };

/**
 * A ROUTER that sends every message back as it came: [routing id, ...frames];
 * `copying`, with its last frame copied into fresh memory first, as any
 * serialiser's reply is.
 */
async function rawEcho(router: Router, copying = false): Promise<string> {
  await router.bind("tcp://127.0.0.1:*");
  void (async () => {
    for await (const frames of router) await router.send(copying ? withFreshLast(frames) : frames);
  })();
  return router.lastEndpoint as string;
}

const raw = await rawEcho(new Router({ linger: 0 }));
const rawCopying = await rawEcho(new Router({ linger: 0 }), true);
// No ZAP handler: libzmq lets any CURVE client in, as the pseud CURVE server lets in its one known key.
const rawCurve = await rawEcho(new Router({ linger: 0, curveServer: true, curveSecretKey: keys.server.secretKey }));

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

process.stdout.write(`${JSON.stringify({ raw, rawCopying, rawCurve, pseud: plainEndpoint, pseudCurve: curveEndpoint, grpc: grpc.address })}\n`);
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
