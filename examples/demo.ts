/**
 * The main job, end to end on loopback: a server and a client over real
 * ZeroMQ sockets, calls in both directions, a remote error, keyword
 * arguments. Run with `npm run demo`.
 */
import { type CallContext, Client, RemoteError, Server } from "pseud";

const server = new Server("greeter");
server.register("hello", (name: string) => `Hello ${name}`, { params: ["name"] });
server.register("add", (a: number, b: number) => a + b, { params: ["a", "b"] });
server.register("string.lower", (s: string) => s.toLowerCase());
server.register("divide", (a: number, b: number) => {
  if (b === 0) throw Object.assign(new Error("division by zero"), { name: "ZeroDivisionError" });
  return a / b;
});
server.register(
  "draw.for.me",
  async (context: CallContext, what: string) => server.sendTo(context.peer).call("draw.me.a.sheep", [what]),
  { withContext: true },
);
const endpoint = await server.bind("tcp://127.0.0.1:*");
console.log(`server "greeter" bound to ${endpoint}`);

const client = new Client("greeter");
client.register("draw.me.a.sheep", (size: string) => `a ${size} sheep, drawn by the client`);
client.connect(endpoint);

console.log(`hello("Charly")          → ${String(await client.call("hello", ["Charly"]))}`);
console.log(`add(a=2, b=40)           → ${String(await client.call("add", [], { a: 2, b: 40 }))}`);
console.log(`string.lower("ABC")      → ${String(await client.remote.string?.lower?.("ABC"))}`);
try {
  await client.call("divide", [1, 0]);
} catch (error) {
  if (!(error instanceof RemoteError)) throw error;
  console.log(`divide(1, 0)             → ${error.remoteClass}: ${error.remoteMessage}`);
}
const [peer] = server.peers();
if (peer === undefined) throw new Error("the server has not seen the client");
console.log(`server → client sheep    → ${String(await server.sendTo(peer.routingId).call("draw.me.a.sheep", ["small"]))}`);
console.log(`client → server → client → ${String(await client.call("draw.for.me", ["big"]))}`);

await client.close();
await server.close();
console.log("demo done");
