/**
 * The kinds of echo the call benchmarks compare, each as a server (started in
 * a process of its own by call-server.ts) and a caller (in a process of its
 * own, call-client.ts): pseud's, the protocol's ceiling (a raw zeromq.js
 * echo of the six frames a pseud message has, security off and CURVE), the
 * same echo copying each body into fresh memory on both sides (what any
 * serialiser pays), the same echo called from a ROUTER as pseud's clients
 * are (what the protocol's socket type costs the caller), the transport's
 * limit (a raw echo of one frame) and what a user would pick instead (gRPC
 * unary).
 */
import * as grpc from "@grpc/grpc-js";
import { Dealer, Router } from "zeromq";
import { Client, type KeyPair, Server, silentLogger } from "pseud";
import { withFreshLast } from "./fresh-copy.js";
import { EchoClientConstructor, startGrpcEcho } from "./grpc-echo.js";

export const KINDS = [
  "raw ZeroMQ echo",
  "raw ZeroMQ 6-frame echo",
  "raw ZeroMQ 6-frame echo, copying",
  "raw ZeroMQ 6-frame echo, ROUTER caller",
  "raw ZeroMQ CURVE 6-frame echo",
  "pseud",
  "pseud CURVE",
  "grpc-js unary",
] as const;
export type Kind = (typeof KINDS)[number];

/**
 * The kinds as the rounds keep them together: each pseud kind beside its
 * ceiling, so that the pair runs back to back (see roundOrder in calls.ts).
 */
export const KIND_GROUPS: readonly (readonly Kind[])[] = [
  ["raw ZeroMQ echo"],
  ["raw ZeroMQ 6-frame echo, copying"],
  ["raw ZeroMQ 6-frame echo, ROUTER caller"],
  ["raw ZeroMQ 6-frame echo", "pseud"],
  ["raw ZeroMQ CURVE 6-frame echo", "pseud CURVE"],
  ["grpc-js unary"],
];
if (KIND_GROUPS.flat().length !== KINDS.length || !KINDS.every((kind) => KIND_GROUPS.flat().includes(kind)))
  throw new Error("KIND_GROUPS must hold every kind of KINDS once");

export const PAYLOADS = {
  "20-byte string": { pseud: "x".repeat(20), bytes: Buffer.alloc(20, 120) },
  "64 KiB bytes": { pseud: new Uint8Array(64 * 1024).fill(7), bytes: Buffer.alloc(64 * 1024, 7) },
} as const;
export type PayloadName = keyof typeof PAYLOADS;

/** The server's and the client's CURVE keys, for the CURVE kinds. */
export interface BenchKeys {
  readonly server: KeyPair;
  readonly client: KeyPair;
}

/** What a ratio of `kind` is taken against: its ceiling (the raw six-frame echo, CURVE for CURVE). */
export const ceilingOf = (kind: Kind): Kind => (kind.includes("CURVE") ? "raw ZeroMQ CURVE 6-frame echo" : "raw ZeroMQ 6-frame echo");

/** Starts the server `kind` is measured against on 127.0.0.1 (an OS-picked port); resolves with its endpoint. */
export async function startServer(kind: Kind, keys: BenchKeys): Promise<string> {
  switch (kind) {
    case "raw ZeroMQ echo":
    case "raw ZeroMQ 6-frame echo":
      return rawEcho(new Router({ linger: 0 }));
    case "raw ZeroMQ 6-frame echo, copying":
      return rawEcho(new Router({ linger: 0 }), true);
    case "raw ZeroMQ 6-frame echo, ROUTER caller":
      // Named, as a pseud server is: a ROUTER caller addresses it by its routing id.
      return rawEcho(new Router({ linger: 0, routingId: ECHO_NAME }));
    case "raw ZeroMQ CURVE 6-frame echo":
      // No ZAP handler: libzmq lets any CURVE client in, as the pseud CURVE server lets in its one known key.
      return rawEcho(new Router({ linger: 0, curveServer: true, curveSecretKey: keys.server.secretKey }));
    case "pseud":
    case "pseud CURVE": {
      const server = new Server("bench", {
        logger: silentLogger,
        heartbeat: { plugin: "none" },
        ...(kind === "pseud CURVE" ? { security: { plugin: "trusted_curve", keyPair: keys.server, clients: { bench: keys.client.publicKey } } } : {}),
      });
      server.register("echo", (value: unknown) => value);
      return server.bind("tcp://127.0.0.1:*");
    }
    case "grpc-js unary":
      return (await startGrpcEcho()).address;
  }
}

/**
 * A ROUTER that sends every message back as it came: [routing id, ...frames]
 * (so one serves the 1-frame and the 6-frame callers); `copying`, with its
 * last frame copied into fresh memory first, as any serialiser's reply is.
 */
async function rawEcho(router: Router, copying = false): Promise<string> {
  await router.bind("tcp://127.0.0.1:*");
  void (async () => {
    for await (const frames of router) await router.send(copying ? withFreshLast(frames) : frames);
  })();
  return router.lastEndpoint as string;
}

/** One way of making one echo call. */
export interface Caller {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

/** A caller of `kind` for the server at `endpoint`, echoing `payloadName`. */
export function makeCaller(kind: Kind, endpoint: string, payloadName: PayloadName, keys: BenchKeys): Caller {
  const payload = PAYLOADS[payloadName];
  switch (kind) {
    case "raw ZeroMQ echo":
      return rawCaller(endpoint, payload.bytes);
    case "raw ZeroMQ 6-frame echo":
      return rawCaller(endpoint, sixFrames(payload.bytes));
    case "raw ZeroMQ 6-frame echo, copying":
      return rawCaller(endpoint, sixFrames(payload.bytes), { copying: true });
    case "raw ZeroMQ 6-frame echo, ROUTER caller":
      return routerCaller(endpoint, [Buffer.from(ECHO_NAME), ...sixFrames(payload.bytes)]);
    case "raw ZeroMQ CURVE 6-frame echo":
      return rawCaller(endpoint, sixFrames(payload.bytes), { curve: keys });
    case "pseud":
    case "pseud CURVE": {
      const client = new Client("bench", {
        logger: silentLogger,
        heartbeat: { plugin: "none" },
        ...(kind === "pseud CURVE" ? { security: { plugin: "trusted_curve", keyPair: keys.client, serverKey: keys.server.publicKey } } : {}),
      });
      client.connect(endpoint);
      return { call: () => client.call("echo", [payload.pseud]), close: () => client.close() };
    }
    case "grpc-js unary":
      return grpcCaller(endpoint, payload.bytes);
  }
}

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
 * into fresh memory first. Sent through {@link oneAtATime}.
 */
function rawCaller(endpoint: string, frames: Buffer | Buffer[], options: { curve?: BenchKeys; copying?: boolean } = {}): Caller {
  const { curve, copying = false } = options;
  const dealer = new Dealer({
    linger: 0,
    ...(curve ? { curveServerKey: curve.server.publicKey, curvePublicKey: curve.client.publicKey, curveSecretKey: curve.client.secretKey } : {}),
  });
  dealer.connect(endpoint);
  const waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  void (async () => {
    for await (const _ of dealer) waiting.shift()?.resolve();
  })().catch(() => {});
  const send = oneAtATime((message: Buffer | Buffer[]) => dealer.send(message), (error) => {
    for (const call of waiting.splice(0)) call.reject(error);
  });
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        send(copying ? withFreshLast(Array.isArray(frames) ? frames : [frames]) : frames);
      }),
    close: async () => dealer.close(),
  };
}

/**
 * A raw ROUTER, as a pseud client is (mandatory, probing, addressing the
 * server by its routing id): sends `[server's routing id, ...the six frames]`.
 * Calls wait for the echo of its probe, which says the connection is up (a
 * ROUTER drops what it cannot route yet). Sent as {@link rawCaller} sends.
 */
function routerCaller(endpoint: string, frames: Buffer[]): Caller {
  const router = new Router({ linger: 0, mandatory: true, probeRouter: true });
  router.connect(endpoint);
  const waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let connected: () => void = () => {};
  let ready: Promise<void> | undefined = new Promise((resolve) => (connected = resolve));
  void (async () => {
    for await (const reply of router) {
      if (reply.length === 2) connected(); // the probe, echoed
      else waiting.shift()?.resolve();
    }
  })().catch(() => {});
  const send = oneAtATime((message: Buffer[]) => router.send(message), (error) => {
    for (const call of waiting.splice(0)) call.reject(error);
  });
  const call = () =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ resolve, reject });
      send(frames);
    });
  return {
    call: () => {
      if (ready === undefined) return call();
      return ready.then(() => {
        ready = undefined;
        return call();
      });
    },
    close: async () => router.close(),
  };
}

/**
 * A send function over zeromq.js's `send`: a message goes straight to the
 * socket; if zeromq.js refuses it because an earlier send still waits for
 * room ("Socket is busy writing": it allows one at a time), it goes into a
 * backlog sent one at a time once that send is done, as pseud's own sends
 * queue. A send that fails tells `failed`.
 */
function oneAtATime<M>(send: (message: M) => Promise<void>, failed: (error: unknown) => void): (message: M) => void {
  const backlog: M[] = [];
  let lastSend: Promise<void> = Promise.resolve();
  let draining = false;
  const drain = async () => {
    draining = true;
    await lastSend.catch(() => {});
    for (let next = backlog.shift(); next !== undefined; next = backlog.shift()) await send(next);
    draining = false;
  };
  return (message) => {
    if (draining) return void backlog.push(message);
    try {
      lastSend = send(message);
      lastSend.catch(failed);
    } catch (error) {
      if ((error as { code?: string }).code !== "EBUSY") throw error;
      backlog.push(message);
      drain().catch(failed);
    }
  };
}

/** The routing id of the echo a ROUTER caller addresses. */
const ECHO_NAME = "bench";

function grpcCaller(address: string, payload: Buffer): Caller {
  const client = new EchoClientConstructor(address, grpc.credentials.createInsecure());
  return {
    call: () => new Promise((resolve, reject) => client.echo(payload, (error, reply) => (error ? reject(error) : resolve(reply)))),
    close: async () => client.close(),
  };
}
