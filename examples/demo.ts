/**
 * The main job, end to end on loopback: code generated from
 * schemas/greeter.zod.ts, a typed server and a typed client over real
 * ZeroMQ sockets, encrypted and authenticated with CURVE (trusted_curve),
 * calls in both directions. Run with `npm run demo`.
 */
import { type CallContext, Client, generateKeyPair, type PseudError, RemoteError, Server } from "pseud";
import {
  GreeterClient,
  type GreeterClientHandlers,
  type GreeterEvents,
  type GreeterHandlers,
  greeterEvents,
  greeterPeer,
  greeterServiceName,
  greeterSubscriptions,
  registerGreeterClient,
  registerGreeterServer,
} from "../generated/greeter.js";
import type { Census, Sheep, Size } from "../generated/types.js";

/** The server's side: the compiler checks that every method is here, with the right types. */
class Greeter implements GreeterHandlers {
  private calls = 0;
  constructor(private readonly events: GreeterEvents) {}
  hello(name: string, context: CallContext): string {
    this.calls++;
    return `Hello ${name} (you are ${context.identity ?? "anonymous"} to me)`;
  }
  add(a: number, b: number): number {
    return a + b;
  }
  divide(a: number, b: number): number {
    if (b === 0) throw Object.assign(new Error("division by zero"), { name: "ZeroDivisionError" });
    return a / b;
  }
  stringLower(s: string): string {
    return s.toLowerCase();
  }
  stringUpper(s: string): string {
    return s.toUpperCase();
  }
  census(flock: Sheep[]): Census {
    const bySize: Record<string, number> = {};
    for (const sheep of flock) bySize[sheep.size] = (bySize[sheep.size] ?? 0) + 1;
    const heaviest = [...flock].sort((a, b) => b.wool - a.wool)[0];
    const census: Census = {
      total: flock.length,
      bySize,
      heaviest: heaviest ? [heaviest.tags.join(",") || "untagged", heaviest.wool] : null,
      checksum: BigInt(flock.reduce((sum, s) => sum + s.wool, 0)) * 2n ** 40n,
      complete: true,
    };
    this.events.flockCounted.publish(census); // to every subscribed client
    return census;
  }
  adminReset(): void {
    this.calls = 0;
  }
}

function drawSheep(size: Size): Sheep {
  return { size, wool: size === "big" ? 900 : 300, drawnAt: new Date(), picture: new Uint8Array([0x89, 0x50]), tags: ["drawn"], owner: null };
}

/** The client's side: what the server may call on it. */
const artist: GreeterClientHandlers = { drawMeASheep: drawSheep };

// Keys: in a deployment, `pseud keys server` and `pseud keys alice` write them to files.
const serverKeys = generateKeyPair();
const aliceKeys = generateKeyPair();

const server = new Server(greeterServiceName, {
  security: { plugin: "trusted_curve", keyPair: serverKeys, clients: { alice: aliceKeys.publicKey } },
});
registerGreeterServer(server, new Greeter(greeterEvents(server)));
server.setPredicate("restricted", (context) => context.identity === "admin"); // alice is not admin
server.on("peer:authenticated", (peer) => console.log(`server: a client proved it is ${peer.identity}`));
const endpoint = await server.bind("tcp://127.0.0.1:*");
console.log(`server "${greeterServiceName}" bound to ${endpoint}, CURVE on (trusted_curve)`);

const client = new Client(greeterServiceName, {
  security: { plugin: "trusted_curve", keyPair: aliceKeys, serverKey: serverKeys.publicKey },
});
registerGreeterClient(client, artist);
const counted = new Promise<Census>((resolve) => greeterSubscriptions(client).flockCounted.subscribe(resolve));
client.connect(endpoint);
const greeter = new GreeterClient(client);

const show = (label: string, value: unknown) => console.log(`${label.padEnd(36)} → ${typeof value === "string" ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`);
const failure = (error: unknown) => `${(error as PseudError).code}: ${error instanceof RemoteError ? `${error.remoteClass}: ${error.remoteMessage}` : (error as Error).message}`;

show("client → hello('Charly')", await greeter.hello("Charly"));
show("client → add(2, 40)", await greeter.add(2, 40));
show("client → string.upper('abc')", await greeter.stringUpper("abc"));
show("client → divide(1, 0)", await greeter.divide(1, 0).catch(failure));
show("client → admin.reset() (restricted)", await greeter.adminReset().catch(failure));
show("untyped call: add('2', 40)", await client.call("add", ["2", 40]).catch(failure));

const sheep = await greeterPeer(server, "alice").drawMeASheep("big"); // by authenticated identity
show("server → alice: draw.me.a.sheep", `a ${sheep.size} sheep, ${sheep.wool} g of wool`);
show("client → census(flock)", await greeter.census([sheep, drawSheep("small")]));
show("server ⇒ event flock.counted", `${(await counted).total} sheep counted`);

await client.close();
await server.close();
console.log("demo done");
