/**
 * Holds `count` pseud clients connected to `endpoint`, heartbeating, until
 * stdin closes: one of the processes the heartbeat scale benchmark uses.
 * Usage: node --import tsx bench/scale-clients.ts <count> <endpoint> <interval ms | none>
 */
import { Client, silentLogger } from "pseud";

const [count, endpoint, interval] = process.argv.slice(2) as [string, string, string];
const heartbeat = interval === "none" ? ({ plugin: "none" } as const) : ({ plugin: "interval", intervalMs: Number(interval) } as const);
const clients: Client[] = [];
for (let i = 0; i < Number(count); i++) {
  const client = new Client("scale", { logger: silentLogger, heartbeat, timeoutMs: 30_000 });
  client.connect(endpoint);
  clients.push(client);
}
await Promise.all(clients.map((c) => c.call("ping")));
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", async () => {
  await Promise.all(clients.map((c) => c.close()));
  process.exit(0);
});
