/**
 * Where a call's time goes at 1 in flight: client and server in this one
 * process, so that one clock times every stage, with marks set by wrapping
 * the runtime's own functions (the socket's send, the peer's receive, the
 * pending calls' settle, the handler). Run:
 *   node --import tsx bench/latency-breakdown.ts
 */
import { Client, Server, silentLogger } from "pseud";
import { PendingCalls } from "../runtime/peer/pending-calls.js";
import { RpcPeer } from "../runtime/peer/rpc-peer.js";
import { RouterSocket } from "../runtime/transport/router-socket.js";

const now = (): number => performance.now() * 1_000;
let marks: Record<string, number> = {};
let serverSocket: RouterSocket | undefined;

const send = RouterSocket.prototype.send;
RouterSocket.prototype.send = function (this: RouterSocket, ...args: Parameters<RouterSocket["send"]>) {
  marks[this === serverSocket ? "serverSend" : "clientSend"] = now();
  return send.apply(this, args);
};
// The peer's receive is private: reached through its prototype, for this measurement only.
const peerPrototype = RpcPeer.prototype as unknown as { receive(this: RpcPeer, frames: Buffer[]): void };
const receive = peerPrototype.receive;
peerPrototype.receive = function (this: RpcPeer, frames: Buffer[]) {
  marks[this.socket === serverSocket ? "serverReceive" : "clientReceive"] = now();
  receive.call(this, frames);
};
const settle = PendingCalls.prototype.settle;
PendingCalls.prototype.settle = function (this: PendingCalls, ...args: Parameters<PendingCalls["settle"]>) {
  marks.settle = now();
  return settle.apply(this, args);
};

const server = new Server("svc", { logger: silentLogger });
serverSocket = (server as unknown as { peer: RpcPeer }).peer.socket;
server.register("echo", (value: unknown) => {
  marks.handler = now();
  return value;
});
const client = new Client("svc", { logger: silentLogger });
client.connect(await server.bind("tcp://127.0.0.1:*"));
for (let i = 0; i < 2_000; i++) await client.call("echo", ["x".repeat(20)]); // warm-up
const unmarked = ["clientSend", "serverReceive", "handler", "serverSend", "clientReceive", "settle"].filter((name) => marks[name] === undefined);
if (unmarked.length > 0) {
  // The wraps above are on the runtime's sources; a `pseud` that resolves elsewhere (runtime/dist, under bench/tsconfig.json) never passes them.
  throw new Error(`no ${unmarked.join(", ")} mark: "pseud" is not the runtime these wraps are on; run it as the comment above says, without TSX_TSCONFIG_PATH`);
}

const calls = 10_000;
const sums = new Map<string, number>();
for (let i = 0; i < calls; i++) {
  marks = {};
  const start = now();
  await client.call("echo", ["x".repeat(20)]);
  const end = now();
  const m = (name: string) => marks[name] ?? Number.NaN;
  const stages: [string, number][] = [
    ["client: call() until the WORK is handed to the socket", m("clientSend") - start],
    ["ZeroMQ and TCP, client → server, until the receive loop has it", m("serverReceive") - m("clientSend")],
    ["server: receive until the handler runs", m("handler") - m("serverReceive")],
    ["server: handler until the reply is handed to the socket", m("serverSend") - m("handler")],
    ["ZeroMQ and TCP, server → client", m("clientReceive") - m("serverSend")],
    ["client: receive until the pending call settles", m("settle") - m("clientReceive")],
    ["client: settle until the caller's await resumes", end - m("settle")],
    ["total", end - start],
  ];
  for (const [stage, us] of stages) sums.set(stage, (sums.get(stage) ?? 0) + us);
}
for (const [stage, us] of sums) console.log(`${(us / calls).toFixed(1).padStart(7)} µs  ${stage}`);
await client.close();
await server.close();
