/**
 * A pseud server or client in a process of its own, so tests can kill or
 * stop it. Run: node --import tsx child-peer.ts server|client <endpoint>,
 * with CHILD_CONFIG = JSON { security, heartbeat }. Prints one JSON line per
 * event.
 */
import { appendFileSync } from "node:fs";
import { type CallContext, Client, type ClientSecurity, type HeartbeatOptions, type Logger, Server, type ServerSecurity, silentLogger } from "pseud";

const [mode, endpoint] = process.argv.slice(2) as [string, string];
const config = JSON.parse(process.env.CHILD_CONFIG ?? "{}") as {
  security?: ServerSecurity & ClientSecurity;
  heartbeat?: HeartbeatOptions;
  /** A file where the server's `record` appends each call's key as it runs: it outlives a killed process. */
  journal?: string;
};
const say = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
/** Error lines logged: none is expected, whatever peers send (the server's `stats` reports them). */
let errorLines = 0;
const logger: Logger = { ...silentLogger, error: () => void errorLines++ };
const options = { logger, ...(config.security ? { security: config.security } : {}), ...(config.heartbeat ? { heartbeat: config.heartbeat } : {}) };

if (mode === "server") {
  const server = new Server("svc", options);
  server.register("whoami", (context: CallContext) => context.identity ?? null, { withContext: true });
  // A call that only the server's death settles; it says when it has come, so that a test kills the server after.
  server.register("never", () => (say("never"), new Promise(() => {})));
  server.on("peer:connected", (peer) => say("connected", { identity: peer.identity ?? null }));
  server.register("echo", (value: unknown) => value);
  const journal = config.journal;
  if (journal !== undefined) {
    server.register("record", (key: string) => {
      appendFileSync(journal, `${key}\n`);
      return process.pid;
    });
  }
  // Heap after a full collection when node runs with --expose-gc, and the error lines logged so far.
  server.register("stats", () => {
    (globalThis as { gc?: () => void }).gc?.();
    return { heapUsed: process.memoryUsage().heapUsed, errorLines };
  });
  server.on("peer:authenticated", (peer) => say("authenticated", { identity: peer.identity }));
  server.on("peer:lost", (peer, reason) => say("lost", { identity: peer.identity, reason }));
  say("ready", { endpoint: await server.bind(endpoint) }); // the port, when the OS picked it
} else {
  const client = new Client("svc", options);
  client.register("ping", () => "pong");
  client.register("never", () => (say("never"), new Promise(() => {})));
  client.on("server:lost", (reason) => say("server-lost", { reason }));
  client.on("server:connected", () => say("server-connected"));
  client.connect(endpoint);
  say("ready", { identity: await client.call("whoami") });
}
